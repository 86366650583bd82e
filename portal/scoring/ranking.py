"""Xếp hạng và đề nghị khen thưởng — ranking units by index, and the reward proposal.

Units are ranked separately per unit type (the year's types: cấp sở, cấp xã …), by index descending, then by each
tie-breaker descending (by default appraisal points, then survey points). Units equal on the index and
on every tie-breaker share a rank and the next rank is skipped ("1, 1, 3", standard competition
ranking). A unit without an index (nothing applicable) gets no rank and is listed last.

The reward proposal (đề nghị khen thưởng) takes every unit ranked within the top N of its type, so a
tie on the N-th place shows more than N units and is flagged for the council to decide. Where the year
asks for it, a type also lists its bottom N (the lowest results, for the province's attention: Tuyên
Quang publishes "top 10 and bottom 10" communes), ties on the edge included the same way.
"""
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .settings import TIE_BREAKERS

__all__ = ["RankInput", "RankedUnit", "RewardList", "rank_units", "propose_rewards", "propose_bottom"]


@dataclass(frozen=True)
class RankInput:
    """What ranking needs of one unit's result. `index` may be None (no applicable maximum)."""

    unit_id: object
    index: Decimal | None
    appraisal_points: Decimal
    survey_points: Decimal
    unit_type: str


@dataclass(frozen=True)
class RankedUnit:
    """Thứ hạng — one unit's rank within its type. `tied` is True when another unit shares the rank."""

    unit_id: object
    unit_type: str
    rank: int | None
    index: Decimal | None
    appraisal_points: Decimal
    survey_points: Decimal
    tied: bool = False


class RewardList(list):
    """The units proposed for a reward in one unit type (a plain list of RankedUnit) with two facts:
    `top` (the N of the year's settings) and `tie_at_edge` (a tie on the N-th place made it longer)."""

    def __init__(self, units: Iterable[RankedUnit] = (), *, top: int = 0, tie_at_edge: bool = False) -> None:
        super().__init__(units)
        self.top = top
        self.tie_at_edge = tie_at_edge


def _sort_key(row: RankInput, tie_breakers: Sequence[str]) -> tuple:
    return (row.index, *(getattr(row, name) for name in tie_breakers))


def _rank_type(rows: list[RankInput], tie_breakers: Sequence[str]) -> list[RankedUnit]:
    indexed = sorted((r for r in rows if r.index is not None),
                     key=lambda r: _sort_key(r, tie_breakers), reverse=True)
    keys = [_sort_key(r, tie_breakers) for r in indexed]
    ranked: list[RankedUnit] = []
    rank = 0
    for position, (row, key) in enumerate(zip(indexed, keys), start=1):
        if position == 1 or key != keys[position - 2]:
            rank = position
        tied = (position > 1 and key == keys[position - 2]) or \
            (position < len(keys) and key == keys[position])
        ranked.append(RankedUnit(row.unit_id, row.unit_type, rank, row.index,
                                 row.appraisal_points, row.survey_points, tied))
    ranked.extend(RankedUnit(r.unit_id, r.unit_type, None, None, r.appraisal_points, r.survey_points)
                  for r in rows if r.index is None)
    return ranked


def _by_unit_id(units: list[RankedUnit]) -> list[RankedUnit]:
    """Order by rank, then unit_id when the ids compare (ints, strings); otherwise keep the order."""
    def rank_key(u: RankedUnit) -> tuple:
        return (u.rank is None, u.rank or 0)
    try:
        return sorted(units, key=lambda u: (*rank_key(u), u.unit_id))
    except TypeError:
        return sorted(units, key=rank_key)


def rank_units(rows: Iterable[RankInput], tie_breakers: Sequence[str] = TIE_BREAKERS) -> list[RankedUnit]:
    """Xếp hạng — ranks per unit type; output sorted by unit_type, then rank, then unit_id."""
    unknown = [name for name in tie_breakers if name not in TIE_BREAKERS]
    if unknown:
        raise ValueError(f"unknown tie-breakers: {unknown}")
    by_type: dict[str, list[RankInput]] = {}
    for row in rows:
        by_type.setdefault(row.unit_type, []).append(row)
    result: list[RankedUnit] = []
    for unit_type in sorted(by_type):
        result.extend(_by_unit_id(_rank_type(by_type[unit_type], tuple(tie_breakers))))
    return result


def propose_bottom(ranked: Iterable[RankedUnit], bottom: Mapping[str, int]) -> dict[str, RewardList]:
    """Nhóm thấp nhất — per unit type in `bottom` with N > 0, the N ranked units with the lowest results
    (worst first); every unit tied with the N-th lowest is included and `tie_at_edge` set. Units without
    a rank are not listed (they have no result to compare)."""
    ranked = list(ranked)
    proposal: dict[str, RewardList] = {}
    for unit_type, count in bottom.items():
        if count <= 0:
            continue
        units = sorted((u for u in ranked if u.unit_type == unit_type and u.rank is not None),
                       key=lambda u: u.rank, reverse=True)
        if len(units) <= count:
            chosen = units
        else:
            edge = units[count - 1].rank
            chosen = [u for u in units if u.rank >= edge]
        proposal[unit_type] = RewardList(chosen, top=count, tie_at_edge=len(chosen) > count)
    return proposal


def propose_rewards(ranked: Iterable[RankedUnit], reward_top: Mapping[str, int]) -> dict[str, RewardList]:
    """Đề nghị khen thưởng — per unit type in `reward_top`, every unit with rank ≤ N.

    Ties on the N-th place are all shown, so a list may be longer than N; its `tie_at_edge` flag then
    tells the council a choice is needed. Unit types missing from `reward_top` get no proposal.
    """
    ranked = list(ranked)
    proposal: dict[str, RewardList] = {}
    for unit_type, top in reward_top.items():
        chosen = [u for u in ranked if u.unit_type == unit_type and u.rank is not None and u.rank <= top]
        chosen.sort(key=lambda u: u.rank)
        proposal[unit_type] = RewardList(chosen, top=top, tie_at_edge=len(chosen) > top)
    return proposal
