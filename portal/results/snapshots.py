"""Bảng xếp hạng đã phê duyệt — what the ranking reads of an approval's snapshot, parsed once per process.

A national year's snapshot is 8 MB of JSON (each unit's field indexes and gaps): parsing it takes 50 ms, and
the ranking page, last year's comparison and the predecessors' results each read it. A snapshot never
changes once written (a correction writes a new approval and keeps the old one), so its ranking part — the
document without each unit's "fields" and "gaps", which the ranking does not show — is kept here for the
few approvals in use and shared, read-only, by the process's requests. The key is the approval's row with
its approval time and decision: an emptied and refilled SQLite table reuses ids (tests do; they call
`forget` when they empty the tables).
"""
from collections import OrderedDict
from threading import Lock

KEEP = 4  # a year's decision in force and the previous year's, with room for a superseded one or two

_KEPT: "OrderedDict[tuple, dict]" = OrderedDict()
_LOCK = Lock()


def _key(approval) -> tuple:
    return (approval.id, approval.year_id, approval.approved_at, approval.decision_number, approval.decision_date)


def _ranking_part(snapshot: dict) -> dict:
    types = [dict(entry, units=[dict(unit, fields={}, gaps=[]) for unit in entry.get("units", [])])
             for entry in snapshot.get("types", [])]
    return dict(snapshot, types=types)


def ranking_snapshot(approval) -> dict:
    """The approval's snapshot as the ranking reads it (every unit's "fields" empty and "gaps" []): the
    same dict for every request of the process. Callers must not change it."""
    key = _key(approval)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
            return kept
    kept = _ranking_part(approval.snapshot or {})
    with _LOCK:
        _KEPT[key] = kept
        while len(_KEPT) > KEEP:
            _KEPT.popitem(last=False)
    return kept


def forget() -> None:
    """Drop every kept snapshot (after the tables were emptied, so that ids are used again)."""
    with _LOCK:
        _KEPT.clear()
