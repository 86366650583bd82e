"""Danh sách dài — the lists that grow with the units (a year of 102 communes): a search typed with or
without diacritics ("binh duc" finds Phường Bình Đức) and pages of rows. Plain functions of values: the
views filter the rows they built, then page them, and hand the template the page's links."""
from dataclasses import dataclass, field

from portal.text import fold_key


def query_words(query: str | None) -> list[str]:
    """The folded words of a search box (empty: no search)."""
    return fold_key(query or "")[:100].split()


def matches(words: list[str], *texts) -> bool:
    """Whether every folded word of the search is found in one of `texts` (names, codes)."""
    if not words:
        return True
    haystack = " ".join(fold_key(str(t)) for t in texts if t)
    return all(w in haystack for w in words)


@dataclass
class Page:
    """One page of a filtered list: its rows, its number (from 1), how many pages and rows in all."""

    rows: list
    number: int
    pages: int
    total: int
    size: int
    links: list = field(default_factory=list)   # (number, url) of every page, set by the view

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def page_of(rows: list, page_arg: str | None, size: int) -> Page:
    """The page ?page= asks for (clamped to the pages there are) of `rows`."""
    pages = max(1, -(-len(rows) // size))
    raw = page_arg or ""
    number = min(max(int(raw) if raw.isdigit() else 1, 1), pages)
    return Page(rows[(number - 1) * size:number * size], number, pages, len(rows), size)
