"""Dữ liệu đo — the years the benchmarks (and the query-count tests) run on.

* The provincial year: the demo year of An Giang (31 units, 56 scored items) filled up to synthesis by
  portal.seed.seed_demo: self-scores with evidence metadata, both appraisal rounds, comments sent to the
  units, explanations, survey scores and computed results.
* A synthetic year of any size, by default the national scale: 2,000 units (two thirds departments, one
  third districts) with a staff and a leader account each, the council, and a generated criteria set of
  100 scored items per unit type (9 fields, 70 appraisal + 30 survey points, bonus and deductions), filled
  the same way by portal.demo_fill. The criteria set is written as a YAML criteria file and read back
  through the portal's own reader (portal.criteria.yaml_read), then checked like the criteria editor does
  (portal.criteria.services.check_set), so it is a set an admin could have imported.

Rows are inserted in bulk. Generating the national year takes a while, so `cached_world` keeps the SQLite
file under bench/out/cache/, keyed by a digest of everything that shapes it (this generator, the filler,
the demo seed, the schema); benchmarks work on a copy, since they save items.
"""
import hashlib
import os
import random
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, update  # noqa: E402  (after the sys.path insertion)

SEED = 20220322
PASSWORD = "demo-cchc-2022"         # the demo password: bench accounts log in like demo accounts
CACHE = ROOT / "bench" / "out" / "cache"
QUARTER = Decimal("0.25")
APPRAISAL_FIELDS = 7                 # F1–F7 appraised by the council, F8–F9 survey (điều tra XHH)
APPRAISAL_POINTS, SURVEY_POINTS = 70, 30
# The council of the synthetic years: (username, role, fields), each member from one of the first units.
COUNCIL = (("chutich", "council_chair", ()), ("tv.1", "council_member", ("F1", "F4", "F5", "F8", "F9")),
           ("tv.2", "council_member", ("F2",)), ("tv.3", "council_member", ("F3",)),
           ("tv.4", "council_member", ("F6",)), ("tv.5", "council_member", ("F7",)))
TOPICS = ("ban hành kế hoạch đúng thời hạn", "mức độ hoàn thành kế hoạch", "tỷ lệ hồ sơ giải quyết đúng hạn",
          "công khai thông tin đầy đủ", "rà soát văn bản theo quy định", "tỷ lệ dịch vụ công trực tuyến",
          "báo cáo định kỳ đầy đủ, đúng hạn", "kiểm tra, xử lý sau kiểm tra", "số hóa hồ sơ, kết quả",
          "đào tạo, bồi dưỡng công chức")


# ------------------------------------------------------------------------------------- criteria set


def _split_quarters(rng: random.Random, items: int, total: int) -> list[Decimal]:
    """`items` maxima on the 0.25 grid, each at least 0.5, adding up to exactly `total` points."""
    quarters = [2] * items
    for _ in range(total * 4 - 2 * items):
        quarters[rng.randrange(items)] += 1
    return [q * QUARTER for q in quarters]


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _leaf_yaml(rng: random.Random, code: str, maximum: Decimal, method: str) -> str:
    half = (maximum / 2).quantize(QUARTER)
    title = f"Tiêu chí {code}: {rng.choice(TOPICS)}"
    parts = [f'code: "{code}"', f'title: "{title}"', f"max: {_num(maximum)}", f"m: {method}"]
    if method == "levels":
        parts.append(f'lv: [["Đạt", {_num(maximum)}], ["Đạt một phần", {_num(half)}], ["Không đạt", 0]]')
    elif method == "percentage":
        parts.append(f"bands: [[100, {_num(maximum)}], [80, {_num(half)}], [0, 0]]")
        parts.append('input: "nhiệm vụ hoàn thành / nhiệm vụ được giao"')
    elif method == "number":
        parts.append("step: 0.25")
    if method != "survey":
        if rng.random() < 0.15:
            parts.append("na: true")
        parts.append('evidence: "Văn bản, báo cáo của đơn vị ban hành trong năm đánh giá"')
    return "{" + ", ".join(parts) + "}"


def criteria_yaml(items: int = 100, *, unit_type: str = "department", seed: int = SEED) -> str:
    """A criteria file (the YAML format of portal.criteria.yaml_read) with `items` scored items: 85 % of them
    appraised in 7 fields (70 points), the rest survey items in 2 fields (30 points), grouped by four,
    plus one bonus and three deductions. Deterministic for a given seed."""
    if items < 9:
        raise ValueError("a set needs at least one item in each of its 9 fields")
    rng = random.Random(f"{seed}-{unit_type}-{items}")
    survey_items = max(2, round(items * 0.15))
    appraisal_items = items - survey_items
    methods = ("levels", "percentage", "percentage", "ratio", "yes_no", "yes_no", "number")
    sizes = [appraisal_items // APPRAISAL_FIELDS + (i < appraisal_items % APPRAISAL_FIELDS)
             for i in range(APPRAISAL_FIELDS)] + [survey_items - survey_items // 2, survey_items // 2]
    maxima = _split_quarters(rng, appraisal_items, APPRAISAL_POINTS) + _split_quarters(rng, survey_items,
                                                                                         SURVEY_POINTS)
    code = f"{'DEPT' if unit_type == 'department' else 'DIST'}-BENCH-{items}"
    kind = "so_ban_nganh" if unit_type == "department" else "ubnd_cap_huyen"
    meta = (f"meta: {{set: {code}, unit_type: {kind}, total: 100, appraisal: {APPRAISAL_POINTS}, "
            f"survey: {SURVEY_POINTS}, bonus_cap: 2, deduction_cap: 5}}")
    lines = [f"# Generated by bench/world.py: {items} items, seed {seed}.", meta, "fields:"]
    start = 0
    for f, size in enumerate(sizes, start=1):
        field_max = sum(maxima[start:start + size], Decimal(0))
        survey = f > APPRAISAL_FIELDS
        groups = []
        for g, offset in enumerate(range(0, size, 4), start=1):
            leaves = [_leaf_yaml(rng, f"{f}.{g}.{i}", maxima[start + offset + i - 1],
                                 "survey" if survey else rng.choice(methods))
                      for i in range(1, min(4, size - offset) + 1)]
            group_max = sum(maxima[start + offset:start + offset + len(leaves)], Decimal(0))
            groups.append(f'  {{code: "{f}.{g}", title: "Nhóm tiêu chí {f}.{g}", max: {_num(group_max)}, '
                          f"items: [\n    " + ",\n    ".join(leaves) + "]}")
        appraiser = ("SNV", "STP", "VPUB", "SNV", "SNV", "STC", "STTTT", "SNV", "SNV")[f - 1]
        lines.append(f'- {{code: F{f}, title: "Lĩnh vực {f}", max: {_num(field_max)}, ap: {appraiser}'
                     + (", m: survey" if survey else "") + ", items: [\n" + ",\n".join(groups) + "]}")
        start += size
    lines += ["adjustments:",
              '- {code: B1, title: "Sáng kiến CCHC được công nhận", m: bonus, per: 1, cap: 2}',
              '- {code: D1, title: "Bị phê bình bằng văn bản", m: deduction, per: -0.5, cap: -2}',
              '- {code: D2, title: "Phản ánh gây phiền hà được xác minh", m: deduction, per: -1, cap: -3}',
              '- {code: D3, title: "Nộp hồ sơ trễ hạn", m: deduction, per: -1, cap: -1}']
    return "\n".join(lines) + "\n"


def load_criteria(items: int, unit_type: str):
    """The generated set parsed by the portal's reader; raises with the reader's messages if invalid."""
    from portal.criteria.domain import meta_problems
    from portal.criteria.tree import spec_nodes, survey_max
    from portal.criteria.yaml_read import load_set_yaml
    from portal.scoring import validate_tree
    spec, errors = load_set_yaml(criteria_yaml(items, unit_type=unit_type))
    if errors:
        raise ValueError("generated criteria set refused: " + "; ".join(map(str, errors)))
    fields, adjustments = spec_nodes(spec)
    problems = [str(e) for e in validate_tree(fields, adjustments=adjustments)] + meta_problems(
        total=Decimal(100), appraisal=Decimal(APPRAISAL_POINTS), survey=Decimal(SURVEY_POINTS),
        survey_max=survey_max(fields))
    if problems:
        raise ValueError("generated criteria set invalid: " + "; ".join(problems))
    return spec


# ------------------------------------------------------------------------------------------ years


@dataclass
class World:
    """What a benchmark needs to know about a generated year (ids and account names)."""

    year_id: int
    units: int
    items: int
    staff: list[str]            # unit staff usernames, in unit order
    unit_ids: list[int]
    assessment_ids: list[int]   # in the same order as staff / unit_ids

    @property
    def label(self) -> str:
        return f"{self.units:,} units × {self.items} items"


def _bulk(model, rows: list[dict]) -> None:
    from portal.extensions import db
    if rows:
        db.session.execute(insert(model), rows)


def build_year(*, now, units: int = 2000, items: int = 100, phase: str = "synthesis",
               password_hash: str | None = None, seed: int = SEED) -> World:
    """A synthetic year of `units` units and `items` scored items per unit type, in `phase` with the work
    of the earlier phases done (portal.demo_fill). Call inside an app context; the caller commits."""
    from portal.appraisal.models import CouncilAssignment
    from portal.assessments.models import Assessment
    from portal.audit.services import record
    from portal.auth.models import User
    from portal.auth.services import hash_password
    from portal.criteria.services import check_set, create_set_from_spec, set_rows
    from portal.demo_fill import fill_year
    from portal.extensions import db
    from portal.seed import default_year_settings, demo_windows
    from portal.text import fold_key
    from portal.seed_data.unit_types import PRESETS
    from portal.units.models import Unit, UnitName, UnitType
    from portal.years.models import AssessmentYear, PhaseWindow

    year = AssessmentYear(year=2022, title="Chỉ số cải cách hành chính năm 2022 (dữ liệu đo quy mô)",
                          phase="self_assessment", settings=default_year_settings(), report_settings={})
    db.session.add(year)
    db.session.flush()
    _bulk(PhaseWindow, [{"year_id": year.id, "phase": p, "opens_at": o, "closes_at": c}
                        for p, o, c in demo_windows(now, phase)])
    _bulk(UnitType, [dict(PRESETS[code], year_id=year.id, code=code, position=position)
                     for position, code in enumerate(("department", "district"))])
    districts = max(1, units // 3)
    unit_rows = []
    for n in range(1, units + 1):
        district = n > units - districts
        code = f"H{n:04d}" if district else f"S{n:04d}"
        name = (f"UBND huyện Thử Nghiệm {n}" if district else f"Sở Thử Nghiệm {n}")
        unit_rows.append({"code": code, "name": name, "name_key": fold_key(name),
                          "unit_type": "district" if district else "department", "active": True,
                          "created_at": now})
    _bulk(Unit, unit_rows)
    unit_list = list(db.session.scalars(select(Unit).order_by(Unit.id)))
    _bulk(UnitName, [{"unit_id": u.id, "year_id": year.id, "name": u.name} for u in unit_list])
    sets = {}
    for unit_type in ("department", "district"):
        cset = create_set_from_spec(year, unit_type, load_criteria(items, unit_type))
        check = check_set(cset, set_rows(cset))
        if not check.valid:
            raise ValueError(f"stored set invalid: {[str(e) for e in check.errors]}")
        sets[unit_type] = cset
    _bulk(Assessment, [{"year_id": year.id, "unit_id": u.id, "criteria_set_id": sets[u.unit_type].id,
                        "unit_type": u.unit_type, "status": "draft", "created_at": now} for u in unit_list])
    pw = password_hash or hash_password(PASSWORD)

    def account(username, full_name, role, unit_id, position):
        return {"username": username, "full_name": full_name, "name_key": fold_key(full_name), "role": role,
                "unit_id": unit_id, "position": position, "password_hash": pw, "must_change_password": False,
                "active": True, "created_at": now}
    people = [account("admin", "Quản trị Sở Nội vụ", "admin", unit_list[0].id, "Chuyên viên Phòng CCHC")]
    for i, (username, role, _fields) in enumerate(COUNCIL):
        people.append(account(username, f"Thành viên Hội đồng {i}", role, unit_list[i % len(unit_list)].id,
                              "Phó Giám đốc"))
    for u in unit_list:
        people.append(account(f"{u.code.lower()}.canbo", f"Cán bộ {u.name}", "unit_staff", u.id,
                              "Chuyên viên"))
        people.append(account(f"{u.code.lower()}.lanhdao", f"Lãnh đạo {u.name}", "unit_leader", u.id,
                              "Phó Giám đốc"))
    _bulk(User, people)
    ids = dict(db.session.execute(select(User.username, User.id)).all())
    _bulk(CouncilAssignment, [{"year_id": year.id, "user_id": ids[username], "field_code": f}
                              for username, _role, fields in COUNCIL for f in fields])
    db.session.flush()
    record("bench_world", "assessment_year", year.id, year_id=year.id,
           new={"units": units, "items": items, "accounts": len(people)})
    if phase != "self_assessment":
        admin = db.session.get(User, ids["admin"])
        fill_year(year, phase=phase, now=now, seed=seed, admin=admin)
    return describe(year.id)


def describe(year_id: int) -> World:
    """The World of a stored year: its units in id order with their staff accounts and assessments."""
    from portal.assessments.models import Assessment
    from portal.auth.models import User
    from portal.criteria.models import Criterion
    from portal.extensions import db
    rows = db.session.execute(select(Assessment.id, Assessment.unit_id, Assessment.criteria_set_id)
                              .where(Assessment.year_id == year_id).order_by(Assessment.unit_id)).all()
    staff = dict(db.session.execute(select(User.unit_id, User.username)
                                    .where(User.role == "unit_staff")).all())
    first_set = rows[0].criteria_set_id
    items = len(db.session.scalars(select(Criterion.id).where(Criterion.set_id == first_set,
                                                              Criterion.kind == "item")).all())
    return World(year_id, len(rows), items, [staff[r.unit_id] for r in rows], [r.unit_id for r in rows],
                 [r.id for r in rows])


def provincial_year(*, now) -> World:
    """The demo year of An Giang, filled up to synthesis with results computed."""
    from portal.seed import seed_demo
    info = seed_demo(now=now, phase="synthesis")
    return describe(info["year"].id)


def commune_year(*, now) -> World:
    """The demo's 2025 of the new An Giang (15 departments and 102 communes), filled up to synthesis, with
    the 2022 history published: what `flask seed-demo --year 2025 --phase synthesis` seeds."""
    from portal.seed_2025 import seed_demo_years
    info = seed_demo_years(now=now, phase="synthesis")
    return describe(info["year"].id)


def reopen_self_assessment(world: World, assessment_ids, *, now) -> None:
    """Move the year back to self-assessment (windows around `now`) and reopen these units' files as
    drafts, keeping every stored score: the heaviest workspace a unit can open, full of its own work.
    Used for the workspace and item-save figures; the caller commits."""
    from portal.assessments.models import Assessment
    from portal.extensions import db
    from portal.seed import demo_windows
    from portal.years.models import AssessmentYear, PhaseWindow
    year = db.session.get(AssessmentYear, world.year_id)
    year.phase = "self_assessment"
    windows = {w.phase: w for w in db.session.scalars(select(PhaseWindow)
                                                      .where(PhaseWindow.year_id == year.id))}
    for phase, opens_at, closes_at in demo_windows(now, "self_assessment"):
        if phase in windows:
            windows[phase].opens_at, windows[phase].closes_at = opens_at, closes_at
    db.session.execute(update(Assessment).where(Assessment.id.in_(list(assessment_ids)))
                       .values(status="draft", self_submitted_at=None, self_submitted_by_id=None))
    db.session.flush()


def add_change_history(assessment_id: int, username: str, *, changes: int = 2) -> int:
    """Give every self-scored item of this file `changes` audited changes by this account, as a file in use
    has after some days of work: each item then shows its change list (the generated years fill their
    entries in bulk, without the audit rows a save writes). The rows are written by portal.audit.services.
    record, chained like any save's, with the item's stored entry as the last value. Returns how many; the
    caller commits."""
    from portal.assessments.models import Assessment, ScoreEntry
    from portal.audit.services import record
    from portal.auth.models import User
    from portal.criteria.models import Criterion
    from portal.extensions import db
    from portal.unitfile.entries import snapshot
    assessment = db.session.get(Assessment, assessment_id)
    actor = db.session.scalar(select(User).where(User.username == username))
    written = 0
    for entry, code in db.session.execute(
            select(ScoreEntry, Criterion.code).join(Criterion, Criterion.id == ScoreEntry.criterion_id)
            .where(ScoreEntry.assessment_id == assessment_id, ScoreEntry.stage == "self")).all():
        final = snapshot(entry)
        older = None
        for step in range(changes):
            new = final if step == changes - 1 else final | {"note": f"Bản nháp {step + 1}", "version": step + 1}
            record("self_score", "score_entry", entry.id, actor=actor, unit_id=assessment.unit_id,
                   year_id=assessment.year_id, old=older, new=new | {"criterion": code, "stage": "self"})
            older, written = new, written + 1
    return written


def reopened_copy(kind: str, workdir: Path, indexes, *, now, log=print):
    """The portal on a working copy (in `workdir`) of the cached year of this kind, moved back to
    self-assessment with the files of the units at these indexes reopened as drafts: (app, world)."""
    from bench.common import bench_app
    from portal.extensions import db
    path, world, _generated = cached_world(kind, now=now, log=log)
    app = bench_app(f"sqlite:///{working_copy(path, workdir)}", instance=str(workdir / "instance"))
    with app.app_context():
        reopen_self_assessment(world, [world.assessment_ids[i] for i in indexes], now=now)
        db.session.commit()
        db.session.remove()
    return app, world


def place_synthesis(world: World, *, now) -> None:
    """Put the windows of a cached year around `now` again (its phase stays synthesis)."""
    from portal.extensions import db
    from portal.seed import demo_windows
    from portal.years.models import PhaseWindow
    windows = {w.phase: w for w in db.session.scalars(select(PhaseWindow).where(
        PhaseWindow.year_id == world.year_id))}
    for phase, opens_at, closes_at in demo_windows(now, "synthesis"):
        if phase in windows:
            windows[phase].opens_at, windows[phase].closes_at = opens_at, closes_at
    db.session.flush()


# ------------------------------------------------------------------------------------------ cache


def _digest(kind: str, units: int, items: int) -> str:
    """Everything that shapes a generated file: the generators' code, the demo data and the schema (its
    indexes too: a file made before an index was added would measure without it)."""
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    import portal.models  # noqa: F401  (register every table)
    from portal.extensions import db
    h = hashlib.sha256(f"{kind}:{units}:{items}:{SEED}".encode())
    suffixes = (".py", ".yaml", ".csv") if kind == "communes" else (".py", ".yaml")
    for path in (Path(__file__), ROOT / "portal" / "demo_fill.py", ROOT / "portal" / "seed.py",
                 *([ROOT / "portal" / "seed_2025.py"] if kind == "communes" else []),
                 *sorted((ROOT / "portal" / "seed_data").rglob("*.*"))):
        if path.is_file() and path.suffix in suffixes:
            h.update(path.read_bytes())
    for table in db.metadata.sorted_tables:
        h.update(str(CreateTable(table).compile(dialect=sqlite.dialect())).encode())
        for index in sorted(table.indexes, key=lambda i: i.name or ""):
            h.update(str(CreateIndex(index).compile(dialect=sqlite.dialect())).encode())
    return h.hexdigest()[:12]


def cached_world(kind: str, *, now, units: int = 2000, items: int = 100,
                 log=print) -> tuple[Path, World, bool]:
    """(path of the cached SQLite file, its World, whether it was generated now) for kind "provincial",
    "communes" (the demo's 2025; its World is the latest year's) or "national"; generated on the first call
    or when the digest changed."""
    from bench.common import bench_app
    from portal.extensions import db
    CACHE.mkdir(parents=True, exist_ok=True)
    tag = kind if kind in YEARS else f"national-{units}x{items}"
    path = CACHE / f"{tag}-{_digest(kind, units, items)}.sqlite3"
    if path.exists():
        app = bench_app(f"sqlite:///{path}")
        with app.app_context():
            from portal.years.models import AssessmentYear
            world = describe(db.session.scalar(select(AssessmentYear.id).order_by(AssessmentYear.year.desc())))
            db.engine.dispose()
        return path, world, False
    for old in CACHE.glob(f"{tag}-*.sqlite3*"):
        old.unlink()
    partial = path.with_suffix(".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    log(f"  generating the {tag} year into {path.name} (once; cached afterwards)…")
    world = _generate(f"sqlite:///{partial}", kind, now=now, units=units, items=items)
    with sqlite3.connect(partial) as raw:   # fold the WAL into the file: one self-contained file to copy
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.execute("PRAGMA journal_mode=DELETE")
    raw.close()
    os.replace(partial, path)
    return path, world, True


def fresh_postgres_world(kind: str, url: str, *, now, units: int = 2000, items: int = 100,
                         log=print) -> World:
    """Generate the year into a PostgreSQL database created afresh (dropped first if it exists): no cache,
    the server's own files are the working copy. `url` names the database, e.g.
    postgresql://postgres@127.0.0.1:5432/cchc_perf (its server must accept CREATE DATABASE)."""
    import psycopg
    from sqlalchemy.engine import make_url
    target = make_url(url)
    admin_dsn = target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        conn.execute(f"CREATE DATABASE \"{target.database}\" ENCODING 'UTF8' TEMPLATE template0")
    log(f"  generating the {kind} year into PostgreSQL database {target.database}…")
    return _generate(url, kind, now=now, units=units, items=items)


def _generate(url: str, kind: str, *, now, units: int, items: int) -> World:
    """Create the schema in the empty database at `url` and generate the year there."""
    from bench.common import bench_app
    from portal.extensions import db
    app = bench_app(url)
    with app.app_context():
        db.create_all()
        world = YEARS[kind](now=now) if kind in YEARS else build_year(now=now, units=units, items=items)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return world


YEARS = {"provincial": provincial_year, "communes": commune_year}     # the demo years; any other kind is built


def working_copy(path: Path, directory: Path) -> Path:
    """A copy of a cached file to measure on (the benchmarks save items)."""
    target = directory / path.name
    shutil.copyfile(path, target)
    return target
