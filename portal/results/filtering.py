"""Lọc bảng xếp hạng — narrowing a results document to one unit type and to units whose name or code
matches a search typed with or without diacritics ("binh duc" finds Phường Bình Đức), so that a year of a
hundred communes stays readable. A plain function of the document: no query, no request."""
from portal.text import fold_key


def filter_document(document: dict, *, unit_type: str = "", query: str = "") -> dict:
    """A copy of `document` with only the chosen type (all when "") and, in each type, only the units whose
    name or code contains every word of `query` (folded); ranks, rewards and figures stay as computed."""
    words = fold_key(query).split()
    types = []
    for entry in document.get("types", []):
        if unit_type and entry.get("unit_type") != unit_type:
            continue
        units = [u for u in entry.get("units", [])
                 if all(w in f"{fold_key(u.get('name'))} {fold_key(u.get('code'))}" for w in words)]
        types.append(dict(entry, units=units))
    return dict(document, types=types)
