"""Sàn đo — the floors of bench/bench_floor.py: the cheapest way this Python stack produces the same
response as the unit workspace (whole page) and the item save (htmx fragment).

A floor is served by the portal itself, through routes this module registers on the bench process's app
only (`install`), so every request still goes through the portal's own machinery that every page pays
for: the session row, the log-in, CSRF protection, security headers and gzip. What the floor saves is
the page's own work. It reads the page's data with ONE SQL statement (SQLite: nested json_group_array for
the evidence, changes and comment counts of each item, the year, window, names and counts as columns of
the same statement), and renders ONE flat Jinja template: no macro, no `_()` (the Vietnamese text is
written in the template), no `url_for` (URL prefixes are formatted once), the CSRF token computed once.
Numbers that need the methodology (the unit's totals and index, the honesty flags, the deadline state,
which comments a reader may see) come from the same pure functions the portal calls: they are not
reimplemented, since they are part of the cheapest correct answer.

A floor covers the state the bench measures — a unit's staff on its own file, draft, self-assessment
open, one assessment year — and refuses any other (RuntimeError), rather than draw a different page. The
bench compares each floor's HTML with the real page's (`normalise`) before it measures anything.

The save floor writes like the portal does: one version-checked UPDATE of the entry (or INSERT), the audit
row with its chained hash (portal.audit.services.record), one commit; then the same one statement and the
item plus the totals out of band from the flat template.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from flask import Blueprint, abort, current_app, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import text

from portal.web.context import static_url

TEMPLATE = Path(__file__).with_name("floor_workspace.html")
CENT = Decimal("0.01")
CHANGES_SHOWN = 5     # as the portal's item history (portal.unitfile.history.CHANGES_SHOWN)

DATA_SQL = """
WITH a AS (SELECT * FROM assessment WHERE id = :aid),
     y AS (SELECT * FROM assessment_year WHERE id = (SELECT year_id FROM a)),
     ch AS MATERIALIZED (SELECT l.id, l.action, l.at, l.actor_id, l.old, l.new,
                                json_extract(l.new, '$.criterion') AS code,
                                row_number() OVER (PARTITION BY json_extract(l.new, '$.criterion')
                                                   ORDER BY l.id DESC) AS latest,
                                count(*) OVER (PARTITION BY json_extract(l.new, '$.criterion')) AS total
                           FROM audit_log l
                          WHERE l.unit_id = (SELECT unit_id FROM a) AND l.year_id = (SELECT year_id FROM a)
                            AND l.action = 'self_score' AND l.object_type = 'score_entry')
SELECT c.id, c.parent_id, c.kind, c.code, c.title, c.position, c.max_points, c.method, c.config,
       c.na_allowed, c.field_code, c.guidance, c.evidence,
       e.inputs, e.points, e.not_applicable, e.na_reason, e.note, e.version, e.updated_at,
       (SELECT json_group_array(json_array(d.id, d.symbol, d.issued_on, d.summary,
               (SELECT json_group_array(json_array(f.id, f.original_name, f.replaces_id))
                  FROM (SELECT * FROM evidence_file f WHERE f.document_id = d.id AND f.deleted_at IS NULL
                        ORDER BY f.id) f)))
          FROM (SELECT d.* FROM item_evidence ie JOIN evidence_document d ON d.id = ie.document_id
                WHERE ie.assessment_id = :aid AND ie.criterion_id = c.id AND ie.stage = 'self'
                  AND d.deleted_at IS NULL ORDER BY ie.id) d) AS docs,
       CASE WHEN :only IS NULL OR c.id = :only THEN
       (SELECT json_group_array(json_array(v.visibility, v.n, v.u)) FROM (
            SELECT cm.visibility, count(*) AS n,
                   sum(CASE WHEN cr.id IS NULL AND cm.author_id != :uid THEN 1 ELSE 0 END) AS u
              FROM comment cm LEFT JOIN comment_read cr ON cr.comment_id = cm.id AND cr.user_id = :uid
             WHERE cm.assessment_id = :aid AND cm.criterion_id = c.id GROUP BY cm.visibility) v)
       ELSE '[]' END AS comments,
       CASE WHEN :only IS NULL OR c.id = :only THEN
       (SELECT json_group_array(json_array(l.action, l.at, u.full_name, l.old, l.new, l.total)) FROM (
            SELECT * FROM ch WHERE ch.code = c.code AND ch.latest <= :shown ORDER BY ch.id) l
            LEFT JOIN user u ON u.id = l.actor_id)
       ELSE '[]' END AS changes,
       (SELECT year FROM y) AS year, (SELECT title FROM y) AS year_title, (SELECT phase FROM y) AS phase,
       (SELECT settings FROM y) AS settings,
       (SELECT status FROM a) AS status, (SELECT unit_id FROM a) AS unit_id, (SELECT year_id FROM a) AS year_id,
       (SELECT bonus_cap FROM criteria_set WHERE id = (SELECT criteria_set_id FROM a)) AS bonus_cap,
       (SELECT deduction_cap FROM criteria_set WHERE id = (SELECT criteria_set_id FROM a)) AS deduction_cap,
       (SELECT coalesce((SELECT name FROM unit_name WHERE unit_id = un.id AND year_id = (SELECT year_id FROM a)),
                        un.name) FROM unit un WHERE un.id = (SELECT unit_id FROM a)) AS unit_name,
       (SELECT name FROM unit WHERE id = :user_unit) AS user_unit_name,
       (SELECT count(*) FROM notification WHERE user_id = :uid AND read_at IS NULL) AS unread,
       (SELECT group_concat(full_name, ', ') FROM (SELECT full_name FROM user WHERE unit_id = (SELECT unit_id FROM a)
            AND role = 'unit_leader' AND active ORDER BY full_name)) AS leaders,
       (SELECT count(*) FROM assessment WHERE unit_id = (SELECT unit_id FROM a)) AS years_of_unit,
       (SELECT json_array(opens_at, closes_at, grace_seconds) FROM phase_window
         WHERE year_id = (SELECT year_id FROM a) AND phase = 'self_assessment') AS window,
       (SELECT count(*) FROM unit_deadline WHERE year_id = (SELECT year_id FROM a)
            AND unit_id = (SELECT unit_id FROM a) AND phase = 'self_assessment') AS exceptions
  FROM a JOIN criterion c ON c.set_id = a.criteria_set_id
  LEFT JOIN score_entry e ON e.assessment_id = a.id AND e.criterion_id = c.id AND e.stage = 'self'
 ORDER BY c.position, c.id
"""


def normalise(html: str) -> str:
    """HTML compared as a browser shows it: runs of white space are one space, white space next to a tag
    boundary is dropped, and the CSRF token (signed with a timestamp) is replaced by a placeholder."""
    html = re.sub(r'(name="csrf_token" value=|"X-CSRFToken": )"[^"]+"', r'\1"TOKEN"', html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s*(<|>)\s*", r"\1", html).strip()


def _dec(value) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(CENT)


class Row:
    """One criterion of the statement, with the attribute names the pure functions read."""

    __slots__ = ("id", "parent_id", "kind", "code", "title", "position", "max_points", "method", "config",
                 "na_allowed", "field_code", "guidance", "evidence", "inputs", "points", "not_applicable",
                 "na_reason", "note", "version", "updated_at", "docs", "comments", "changes", "has_entry",
                 "depth", "level", "flags", "result", "change_count")


def _ts(value):
    from datetime import datetime, timezone
    if value is None:
        return None
    return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)


def load(aid: int, user, only: int | None = None) -> tuple[list[Row], dict]:
    """The page's data: ONE statement (with `only`, the comments and changes of that item alone: the save's
    fragment draws one item, but its totals and progress need every item's scores and evidence dates)."""
    from portal.extensions import db
    result = db.session.execute(text(DATA_SQL), {"aid": aid, "uid": user.id, "user_unit": user.unit_id,
                                                 "shown": CHANGES_SHOWN, "only": only})
    raw = result.all()
    if not raw:
        abort(404)
    head = raw[0]._mapping
    rows = []
    for r in raw:
        row = Row()
        (row.id, row.parent_id, row.kind, row.code, row.title, row.position, mx, row.method, config,
         na_allowed, row.field_code, row.guidance, row.evidence, inputs, points, na, row.na_reason, row.note,
         row.version, updated_at, docs, comments, changes) = r[:23]
        row.max_points, row.config, row.na_allowed = _dec(mx), json.loads(config or "{}"), bool(na_allowed)
        row.has_entry = row.version is not None
        row.inputs, row.points, row.not_applicable = json.loads(inputs or "{}"), _dec(points), bool(na)
        row.updated_at = _ts(updated_at)
        row.docs = [(d[0], d[1], d[2], d[3], [(f[0], f[1]) for f in _heads(d[4])]) for d in json.loads(docs)]
        row.comments = json.loads(comments)
        changes = json.loads(changes)
        row.change_count = changes[0][5] if changes else 0
        row.changes = [(_ts(at), who, json.loads(old) if old else None, json.loads(new) if new else None)
                       for _action, at, who, old, new, _total in changes]
        rows.append(row)
    return rows, dict(head)


def _heads(files: list) -> list:
    """The current file of each chain of versions, in upload order of the chain's first version (as
    EvidenceDocument.file_versions)."""
    live = {f[0]: f for f in files}
    replaced = {f[2] for f in files if f[2] is not None}
    out = []
    for head in (f for f in files if f[0] not in replaced):
        first, current, seen = head, head, 0
        while current[2] in live and seen < len(live):
            current = live[current[2]]
            first, seen = current, seen + 1
        out.append((first[0], head))
    return [h for _first, h in sorted(out, key=lambda p: p[0])]


def page_data(aid: int, *, only: int | None = None) -> dict:
    """Rows plus what the methodology decides (pure functions), for the template."""
    from flask_babel import get_locale

    from portal.assessments.domain import honesty_flags, needs_explanation
    from portal.comments import access
    from portal.criteria.nodes import build_nodes
    from portal.scoring import ItemState, YearSettings, evaluate
    from portal.years.countdown import format_remaining
    from portal.years.phases import Window, editing_state
    user = current_user
    rows, head = load(aid, user, only)
    if (user.role != "unit_staff" or user.unit_id != head["unit_id"] or head["phase"] != "self_assessment"
            or head["status"] != "draft" or head["years_of_unit"] != 1 or head["exceptions"]):
        raise RuntimeError("the floor draws a unit's own draft file in self-assessment only")
    opens_at, closes_at, grace = json.loads(head["window"])
    from portal.db import utcnow
    now = utcnow()
    state = editing_state(Window(_ts(opens_at), _ts(closes_at), int(grace or 0)), None, now)
    if state["state"] != "open" or state["closes_at"] is None or state["in_grace"]:
        raise RuntimeError("the floor draws an open self-assessment only")
    fields, adjustments = build_nodes(rows)
    states, counts = {}, {}
    for row in rows:
        if not row.has_entry:
            continue
        if row.kind == "adjustment":
            counts[row.code] = int(row.inputs.get("count", 0)) if not row.not_applicable else 0
        else:
            states[row.code] = ItemState(row.points, row.not_applicable)
    evaluation = evaluate(fields, states, adjustments, counts, bonus_cap=_dec(head["bonus_cap"]),
                          deduction_cap=_dec(head["deduction_cap"]),
                          settings=YearSettings.from_dict(json.loads(head["settings"] or "{}")),
                          survey_available=False)
    by_id = {r.id: r for r in rows}
    children: dict = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    walked: list = []

    def walk(row):
        walked.append(row)
        for child in children.get(row.id, ()):
            walk(child)
    for root in children.get(None, ()):
        if root.kind != "adjustment":
            walk(root)
    for root in children.get(None, ()):
        if root.kind == "adjustment":
            walk(root)
    rows = walked
    scored = total = without = 0
    rel = "own_unit"
    for row in rows:
        depth, parent = 0, by_id.get(row.parent_id)
        while parent is not None:
            depth, parent = depth + 1, by_id.get(parent.parent_id)
        row.depth = depth
        row.level = min(2 + max(depth, 1), 6)
        row.result = evaluation.nodes.get(row.code)
        row.flags = []
        if row.kind in ("item", "adjustment") and row.method != "survey":
            row.flags = honesty_flags(points=row.points if row.has_entry else None,
                                      not_applicable=row.has_entry and row.not_applicable,
                                      evidence_dates=[_date(d[2]) for d in row.docs], year=head["year"],
                                      explanation_needed=needs_explanation(row.guidance, row.evidence),
                                      note=row.note if row.has_entry else "")
            if row.kind == "item":
                total += 1
                scored += row.has_entry and (row.points is not None or row.not_applicable)
                without += "no_evidence" in row.flags
        seen = [(n, u) for vis, n, u in row.comments if access.visible(rel, vis, head["phase"])]
        row.comments = (sum(n for n, _u in seen), sum(u or 0 for _n, u in seen))
    first_unscored = next((r for r in rows if r.kind == "item" and r.method != "survey" and (
        not r.has_entry or (r.points is None and not r.not_applicable))), None)
    items = [r for r in rows if r.kind != "field" and r.kind != "adjustment"] if only is None else \
        [by_id[only]]
    field_rows = [r for r in rows if r.kind == "field"]
    return {"rows": rows, "fields": field_rows, "items": items, "only": only, "head": head,
            "adjustments": [r for r in rows if r.kind == "adjustment"], "ev": evaluation,
            "progress": (scored, total, without), "first_unscored": first_unscored, "deadline": state,
            "remaining": format_remaining(state["seconds_remaining"], str(get_locale() or "vi")),
            "aid": aid, "token": generate_csrf(), "user": user, "path": request.full_path.removeprefix("/bench-floor"),
            "static_url": static_url, "province": current_app.config["PROVINCE_NAME"], "saved": None}


def _date(value):
    from datetime import date
    return None if value is None else date.fromisoformat(value)


def install(app) -> None:
    """Register the floors' routes on this (bench) app. Never called by the portal itself."""
    bp = Blueprint("bench_floor", __name__)
    from portal.web.permissions import authenticated
    state: dict = {}

    def template():
        if "t" not in state:
            state["t"] = app.jinja_env.from_string(TEMPLATE.read_text(encoding="utf-8"))
        return state["t"]

    @bp.get("/bench-floor/assessment/<int:aid>")
    @authenticated
    def workspace(aid: int):
        return template().render(page_data(aid), fragment=False)

    @bp.post("/bench-floor/assessment/<int:aid>/items/<int:cid>")
    @authenticated
    def save(aid: int, cid: int):
        from portal.extensions import db
        write(aid, cid)
        out = page_data(aid, only=cid)     # drawn in the write's transaction, then one commit (as the portal)
        out["saved"] = cid
        html = template().render(out, fragment=True)
        db.session.commit()
        return html

    @bp.get("/bench-floor/assessment/<int:aid>/items/<int:cid>/saved")
    @authenticated
    def saved(aid: int, cid: int):
        """The save's fragment without the write: for comparing with the real save's answer."""
        out = page_data(aid, only=cid)
        out["saved"] = cid
        return template().render(out, fragment=True)

    app.register_blueprint(bp)


def write(aid: int, cid: int) -> None:
    """The save as the portal does it, the cheapest way: read the form by the pure rule, one version-checked
    UPDATE (or INSERT) and the chained audit row, after the same checks as the real save for the state the
    floor draws (the unit's own draft file, self-assessment open, read in the same statement as the item)."""
    from portal.assessments.domain import read_item_form
    from portal.audit.services import record
    from portal.db import utcnow
    from portal.extensions import db
    crit = db.session.execute(text(
        "SELECT c.code, c.method, c.max_points, c.config, c.na_allowed, a.unit_id, a.year_id, a.status, "
        "e.id, e.version, e.inputs, e.points, e.not_applicable, e.na_reason, e.note, e.explanation_requested, "
        "(SELECT phase FROM assessment_year WHERE id = a.year_id) AS phase, "
        "(SELECT closes_at FROM phase_window WHERE year_id = a.year_id AND phase = 'self_assessment') AS closes_at, "
        "(SELECT count(*) FROM unit_deadline WHERE year_id = a.year_id AND unit_id = a.unit_id "
        "AND phase = 'self_assessment') AS exceptions "
        "FROM criterion c JOIN assessment a ON a.id = :aid AND a.criteria_set_id = c.set_id "
        "LEFT JOIN score_entry e ON e.assessment_id = a.id AND e.criterion_id = c.id AND e.stage = 'self' "
        "WHERE c.id = :cid"), {"aid": aid, "cid": cid}).first()
    now = utcnow()
    if crit is None or current_user.unit_id != crit.unit_id:
        abort(404)
    if crit.status != "draft" or crit.phase != "self_assessment" or crit.exceptions \
            or crit.closes_at is None or now > _ts(crit.closes_at):
        raise RuntimeError("the floor saves into a unit's own draft file while self-assessment is open only")
    item = read_item_form(crit.method, _dec(crit.max_points), json.loads(crit.config or "{}"), request.form,
                          na_allowed=bool(crit.na_allowed))
    if item.errors:
        abort(422)
    expected = int(request.form.get("version", "0"))
    values = {"inputs": json.dumps(item.inputs), "points": None if item.points is None else str(item.points),
              "na": item.not_applicable, "reason": item.na_reason or None, "note": item.note,
              "uid": current_user.id, "at": now.replace(tzinfo=None).isoformat(sep=" "), "aid": aid, "cid": cid,
              "v": expected}
    if crit.id is None:
        entry_id = db.session.execute(text(
            "INSERT INTO score_entry (assessment_id, criterion_id, stage, inputs, points, not_applicable, "
            "na_reason, note, explanation_requested, agreed, version, updated_by_id, updated_at) VALUES "
            "(:aid, :cid, 'self', :inputs, :points, :na, :reason, :note, 0, 0, 1, :uid, :at) RETURNING id"),
            values).scalar()
        old = None
    else:
        done = db.session.execute(text(
            "UPDATE score_entry SET inputs = :inputs, points = :points, not_applicable = :na, na_reason = :reason, "
            "note = :note, version = version + 1, updated_by_id = :uid, updated_at = :at "
            "WHERE id = :id AND version = :v"), values | {"id": crit.id}).rowcount
        if done != 1:
            abort(409)
        entry_id = crit.id
        old = {"inputs": json.loads(crit.inputs or "{}"), "points": _dec(crit.points),
               "not_applicable": bool(crit.not_applicable), "na_reason": crit.na_reason, "note": crit.note,
               "version": crit.version, "explanation_requested": bool(crit.explanation_requested)}
    new = {"inputs": item.inputs, "points": item.points, "not_applicable": item.not_applicable,
           "na_reason": item.na_reason or None, "note": item.note, "version": expected + 1,
           "explanation_requested": bool(crit.explanation_requested) if crit.id else False}
    record("self_score", "score_entry", entry_id, actor=current_user, unit_id=crit.unit_id, year_id=crit.year_id,
           old=old, new=new | {"criterion": crit.code, "stage": "self"})

