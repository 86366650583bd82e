"""Benchmark of the pure scoring core at national scale: 2,000 units × 100 sub-criteria.

Builds a seeded random criteria set (9 fields, 100 scored items, a realistic mix of methods, some
items allowed "không áp dụng"), random entries for 2,000 units (departments and districts), then times:
scoring the entries (compute_points), evaluating every unit, ranking per unit type and proposing
rewards. Prints the median of a few runs per step and the total next to the goal. Never asserts.

Run from the repository root:  .venv/bin/python bench/bench_scoring.py
"""
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal.scoring import (  # noqa: E402  (after the sys.path insertion)
    ItemState, Node, RankInput, ScoringInputError, YearSettings, compute_points, evaluate, propose_rewards,
    rank_units, validate_tree,
)

SEED = 20220322
UNITS = 2_000
APPRAISAL_ITEMS, SURVEY_ITEMS = 85, 15
GOAL_SECONDS = 2.0
REPEAT = 3
QUARTER = Decimal("0.25")
APPRAISAL_METHODS = ("levels", "percentage", "percentage", "ratio", "yes_no", "yes_no", "number")


def split_quarters(rng: random.Random, items: int, total: int, minimum: int) -> list[Decimal]:
    """`items` maxima on the 0.25 grid, each ≥ minimum quarters, adding up to `total` points."""
    quarters = [minimum] * items
    for _ in range(total * 4 - minimum * items):
        quarters[rng.randrange(items)] += 1
    return [q * QUARTER for q in quarters]


def make_leaf(rng: random.Random, code: str, maximum: Decimal, method: str) -> Node:
    half = (maximum / 2).quantize(QUARTER)
    config = {
        "levels": {"levels": [["Đạt", str(maximum)], ["Đạt một phần", str(half)], ["Không đạt", "0"]]},
        "percentage": {"bands": [["100", str(maximum)], ["80", str(half)], ["0", "0"]]},
        "number": {"step": "0.25"},
    }.get(method, {})
    return Node(code, f"Tiêu chí {code}", maximum, method, config, na_allowed=rng.random() < 0.15)


def build_set(rng: random.Random) -> tuple[list[Node], list[Node]]:
    appraisal = split_quarters(rng, APPRAISAL_ITEMS, 70, 2)
    survey = split_quarters(rng, SURVEY_ITEMS, 30, 4)
    leaf_specs = [(m, rng.choice(APPRAISAL_METHODS)) for m in appraisal] + [(m, "survey") for m in survey]
    field_sizes = [12, 12, 12, 12, 12, 12, 13, 8, 7]  # 7 appraisal fields (85 items), 2 survey fields (15)
    fields, start = [], 0
    for f, size in enumerate(field_sizes, start=1):
        specs, start = leaf_specs[start:start + size], start + size
        groups = []
        for g, offset in enumerate(range(0, size, 4), start=1):
            leaves = tuple(make_leaf(rng, f"{f}.{g}.{i}", m, method)
                           for i, (m, method) in enumerate(specs[offset:offset + 4], start=1))
            groups.append(Node(f"{f}.{g}", f"Nhóm {f}.{g}", sum(leaf.max_points for leaf in leaves),
                               children=leaves, kind="group", field_code=f"F{f}"))
        fields.append(Node(f"F{f}", f"Lĩnh vực {f}", sum(g.max_points for g in groups),
                           children=tuple(groups), kind="field", na_allowed=f == 9))
    adjustments = [
        Node("B1", "Sáng kiến CCHC được công nhận", None, "bonus", {"per": "1", "cap": "2"},
             kind="adjustment"),
        Node("D1", "Bị phê bình bằng văn bản", None, "deduction", {"per": "0.5", "cap": "2"},
             kind="adjustment"),
        Node("D2", "Phản ánh gây phiền hà được xác minh", None, "deduction", {"per": "1", "cap": "3"},
             kind="adjustment"),
        Node("D3", "Nộp hồ sơ trễ hạn", None, "deduction", {"per": "1", "cap": "1"}, kind="adjustment"),
    ]
    return fields, adjustments


def random_inputs(rng: random.Random, leaf: Node) -> dict:
    method, maximum = leaf.method, leaf.max_points
    if method == "levels":
        return {"level": rng.choice([0, 0, 0, 1, 2])}
    if method in ("percentage", "ratio"):
        denominator = rng.randint(1, 400)
        return {"numerator": str(min(denominator, int(denominator * rng.uniform(0.6, 1.05)))),
                "denominator": str(denominator)}
    if method == "yes_no":
        return {"yes": rng.random() < 0.85}
    if method == "number":
        return {"value": str(QUARTER * rng.randint(int(maximum / QUARTER) // 2, int(maximum / QUARTER)))}
    return {"points": Decimal(rng.randint(int(maximum * 60), int(maximum * 100))) / 100}


def build_units(rng: random.Random, fields: list[Node]) -> list[dict]:
    leaves = [n for f in fields for g in f.children for n in g.children]
    units = []
    for unit_id in range(1, UNITS + 1):
        entries = {}
        for leaf in leaves:
            if leaf.na_allowed and rng.random() < 0.3:
                entries[leaf.code] = None  # không áp dụng
            elif rng.random() >= 0.02:  # 2 % not yet scored
                entries[leaf.code] = random_inputs(rng, leaf)
        units.append({
            "unit_id": unit_id,
            "unit_type": "department" if unit_id % 3 else "district",
            "entries": entries,
            "counts": {code: rng.choice([0, 0, 0, 1, 2]) for code in ("B1", "D1", "D2", "D3")},
            "survey_available": rng.random() < 0.95,
        })
    return units


#: Units proposed for a reward per unit type, as the plan does (top 5 departments, top 3 districts); since unit
#: types became a year's data this is each type's `reward_top`, no longer a field of YearSettings.
REWARD_TOP = {"department": 5, "district": 3}


def timed(step):
    """Median wall time of REPEAT runs of `step()`, and its last result."""
    times, result = [], None
    for _ in range(REPEAT):
        started = time.perf_counter()
        result = step()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    rng = random.Random(SEED)
    started = time.perf_counter()
    fields, adjustments = build_set(rng)
    problems = validate_tree(fields, adjustments=adjustments)
    leaf_by_code = {n.code: n for f in fields for g in f.children for n in g.children}
    units = build_units(rng, fields)
    build_seconds = time.perf_counter() - started
    settings = YearSettings()

    def score_entries():
        all_states, errors = [], 0
        for unit in units:
            states = {}
            for code, inputs in unit["entries"].items():
                if inputs is None:
                    states[code] = ItemState(None, not_applicable=True)
                    continue
                leaf = leaf_by_code[code]
                try:
                    points = compute_points(leaf.method, leaf.config, leaf.max_points, inputs)
                    states[code] = ItemState(points)
                except ScoringInputError:
                    errors += 1
            all_states.append(states)
        return all_states, errors

    score_seconds, (all_states, errors) = timed(score_entries)

    def evaluate_all():
        return [evaluate(fields, states, adjustments, unit["counts"], bonus_cap=Decimal("2"),
                         deduction_cap=Decimal("5"), settings=settings,
                         survey_available=unit["survey_available"])
                for unit, states in zip(units, all_states)]

    evaluate_seconds, evaluations = timed(evaluate_all)
    rows = [RankInput(u["unit_id"], e.index, e.appraisal_points, e.survey_points, u["unit_type"])
            for u, e in zip(units, evaluations)]
    rank_seconds, ranked = timed(lambda: rank_units(rows, settings.tie_breakers))
    reward_seconds, rewards = timed(lambda: propose_rewards(ranked, REWARD_TOP))

    report(units, len(leaf_by_code), problems, build_seconds, errors, evaluations, rewards,
           score=score_seconds, evaluate=evaluate_seconds, rank=rank_seconds, reward=reward_seconds)


def report(units, items, problems, build_seconds, errors, evaluations, rewards, **seconds) -> None:
    entries = sum(len(u["entries"]) for u in units)
    total = seconds["evaluate"] + seconds["rank"] + seconds["reward"]
    print(f"Scoring bench — {len(units):,} units × {items} items "
          f"({entries:,} entries), seed {SEED}, median of {REPEAT} runs, Python {sys.version.split()[0]}")
    print(f"  criteria set valid: {not problems} ({len(problems)} problems); "
          f"build data {build_seconds:.2f} s")
    print(f"  compute_points for every entry: {seconds['score']:7.3f} s  ({errors} input errors)")
    print(f"  evaluate every unit:            {seconds['evaluate']:7.3f} s  "
          f"({seconds['evaluate'] / len(units) * 1e3:.3f} ms per unit)")
    print(f"  rank per unit type:             {seconds['rank']:7.3f} s")
    print(f"  propose rewards:                {seconds['reward']:7.3f} s")
    print(f"  total evaluate + rank + rewards {total:7.3f} s  (goal < {GOAL_SECONDS:.1f} s on 2 cores: "
          f"{'met' if total < GOAL_SECONDS else 'NOT met'})")
    print(f"  with compute_points as well:    {total + seconds['score']:7.3f} s")
    indexes = sorted(e.index for e in evaluations if e.index is not None)
    print(f"  index min/median/max: {indexes[0]} / {indexes[len(indexes) // 2]} / {indexes[-1]}; "
          "rewards: " + ", ".join(f"{t} {len(r)} (tie at edge: {r.tie_at_edge})" for t, r in rewards.items()))

if __name__ == "__main__":
    main()
