"""Lọc bảng xếp hạng — narrowing a results document to one unit type and to units whose name or code
matches a search typed with or without diacritics ("binh duc" finds Phường Bình Đức), so that a year of a
hundred communes stays readable. A plain function of the document: no query, no request."""
from portal.text import fold_key


def filter_document(document: dict, *, unit_type: str = "", query: str = "", band: str = "") -> dict:
    """A copy of `document` with only the chosen type (all when "") and, in each type, only the units whose
    name or code contains every word of `query` (folded) and, given `band`, whose overall band (xếp loại) is
    that one; ranks, rewards and figures stay as computed."""
    words = fold_key(query).split()
    types = []
    for entry in document.get("types", []):
        if unit_type and entry.get("unit_type") != unit_type:
            continue
        units = [u for u in entry.get("units", [])
                 if all(w in f"{fold_key(u.get('name'))} {fold_key(u.get('code'))}" for w in words)
                 and (not band or u.get("band") == band)]
        types.append(dict(entry, units=units))
    return dict(document, types=types)


def page_of(document: dict, page: int, size: int) -> tuple[dict, dict]:
    """One page of `size` units of the document, counted across its types in their order (a type whose units
    all fall on other pages is left out), and the pager: {"page", "pages", "first", "last", "count"} (a page
    past the end shows the last one)."""
    count = sum(len(entry.get("units", [])) for entry in document.get("types", []))
    pages = max(1, -(-count // size))
    page = min(max(page, 1), pages)
    start, end, seen, types = (page - 1) * size, page * size, 0, []
    for entry in document.get("types", []):
        units = entry.get("units", [])
        shown = units[max(start - seen, 0):max(end - seen, 0)]
        seen += len(units)
        if shown:
            types.append(dict(entry, units=shown))
    return dict(document, types=types), {"page": page, "pages": pages, "count": count,
                                         "first": start + 1 if count else 0, "last": min(end, count)}


def ranking_page(document: dict, page: int, size: int) -> tuple[dict, dict, dict]:
    """One page of the ranking (`page_of`), its pager, and per unit type what the page shows of the whole
    (filtered) type: {unit_type: {"count": its units, "has_change": any unit compares with last year,
    "standing": the type entry with only its proposed and lowest units, for the reward lines}} — so the
    reward proposal and the counts stay those of the whole type on every page."""
    whole = {}
    for entry in document.get("types", []):
        units = entry.get("units", [])
        bottom = set((entry.get("bottom") or {}).get("unit_ids", []))
        whole[entry.get("unit_type")] = {
            "count": len(units),
            "has_change": any(u.get("prev_index") or u.get("lineage") for u in units),
            "standing": dict(entry, units=[u for u in units if u.get("reward") or u.get("unit_id") in bottom])}
    shown, pager = page_of(document, page, size)
    return shown, pager, whole


def with_spans(whole: dict, pager: dict) -> dict:
    """`whole` (ranking_page's, types in the page's order) with, for each type the page shows, "first" and
    "last": the places within the type of its first and last unit on this page, so that the chart under a
    type that spans pages can say which of its units it draws."""
    out, seen = {}, 0
    for unit_type, entry in whole.items():
        first, last = max(pager["first"] - seen, 1), min(pager["last"] - seen, entry["count"])
        out[unit_type] = dict(entry, first=first, last=last) if pager["count"] and first <= last else entry
        seen += entry["count"]
    return out
