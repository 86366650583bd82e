"""Tính điểm Chỉ số CCHC — the pure arithmetic of the PAR Index.

Criteria tree, scoring methods, "không áp dụng", bonus and deduction caps, index %, result bands,
ranking with ties and the reward proposal. Plain values in, values out: no Flask, no SQLAlchemy, no
floats (every number is a Decimal; rounding happens only in `round2`).
"""
from .errors import ScoringInputError
from .index import band_for, compute_index, round2
from .methods import METHODS, compute_points, parse_decimal
from .numeric import format_vi, to_decimal
from .ranking import RankedUnit, RankInput, RewardList, propose_bottom, propose_rewards, rank_units
from .settings import DEFAULT_BANDS, Band, YearSettings, validate_bands
from .tree import Evaluation, ItemState, Node, NodeResult, evaluate, iter_nodes
from .validation import SetError, validate_tree

__all__ = [
    "METHODS", "DEFAULT_BANDS",
    "ScoringInputError", "parse_decimal", "to_decimal", "format_vi", "round2",
    "compute_points", "compute_index", "band_for",
    "Node", "ItemState", "NodeResult", "Evaluation", "evaluate", "iter_nodes",
    "Band", "YearSettings", "validate_bands",
    "RankInput", "RankedUnit", "RewardList", "rank_units", "propose_rewards", "propose_bottom",
    "SetError", "validate_tree",
]
