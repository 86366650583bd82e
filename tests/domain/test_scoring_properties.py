"""Property tests (hypothesis) of the scoring core: bounds, sums, N/A independence and ranking order."""
import itertools
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.scoring import (
    ItemState, Node, RankInput, YearSettings, compute_index, evaluate, iter_nodes, parse_decimal, rank_units,
)

FAST = settings(max_examples=150, deadline=None)
MAXIMA = st.integers(1, 20).map(lambda n: D(n) / 4)  # 0.25 … 5 on the usual 0.25 grid


@st.composite
def trees(draw, exact=False):
    """1–3 fields of depth ≤ 3. With exact=True every parent's max is the sum of its children's
    (a valid set); otherwise a parent's max may also be missing or any value (so caps bite)."""
    codes = itertools.count()

    def node(depth):
        code = f"n{next(codes)}"
        if depth == 2 or (depth > 0 and draw(st.booleans())):
            method = draw(st.sampled_from(["number", "number", "survey"]))
            return Node(code, code, draw(MAXIMA), method, na_allowed=draw(st.booleans()))
        children = tuple(node(depth + 1) for _ in range(draw(st.integers(1, 3))))
        children_sum = sum((c.effective_max for c in children), D(0))
        maximum = children_sum if exact else draw(st.one_of(st.just(children_sum), st.none(), MAXIMA))
        return Node(code, code, maximum, children=children, na_allowed=draw(st.booleans()),
                    kind="field" if depth == 0 else "group")

    return [node(0) for _ in range(draw(st.integers(1, 3)))]


def leaves(fields):
    return [n for n in iter_nodes(fields) if not n.children]


@st.composite
def states_for(draw, fields, na=True, over_max=False):
    states = {}
    for leaf in leaves(fields):
        choice = draw(st.sampled_from(["points", "points", "points", "unscored", "missing", "na"]))
        if choice == "na" and na:
            states[leaf.code] = ItemState(None, not_applicable=True)
        elif choice == "unscored":
            states[leaf.code] = ItemState(None)
        elif choice == "points":
            top = int(leaf.max_points * 100) * (2 if over_max else 1)
            states[leaf.code] = ItemState(D(draw(st.integers(0, top))) / 100)
    if na:
        for parent in (n for n in iter_nodes(fields) if n.children):
            if draw(st.integers(0, 9)) == 0:
                states[parent.code] = ItemState(None, not_applicable=True)
    return states


@st.composite
def scenarios(draw, exact=False, na=True, over_max=False):
    fields = draw(trees(exact=exact))
    return fields, draw(states_for(fields, na=na, over_max=over_max))


ADJUSTMENTS = [Node("B1", "Cộng", None, "bonus", {"per": "1", "cap": "2"}, kind="adjustment"),
               Node("D1", "Trừ", None, "deduction", {"per": "0.5", "cap": "2"}, kind="adjustment"),
               Node("D2", "Trừ", None, "deduction", {"per": "1", "cap": "3"}, kind="adjustment")]
CAPS = st.one_of(st.none(), st.integers(0, 6).map(D))


@FAST
@given(scenarios(over_max=True), st.dictionaries(st.sampled_from(["B1", "D1", "D2"]), st.integers(0, 8)),
       CAPS, CAPS, st.booleans(), st.sampled_from(["rescale", "zero"]))
def test_index_is_always_between_0_and_100(scenario, counts, bonus_cap, deduction_cap, survey, policy):
    fields, states = scenario
    result = evaluate(fields, states, ADJUSTMENTS, counts, bonus_cap=bonus_cap, deduction_cap=deduction_cap,
                      settings=YearSettings(no_survey_policy=policy), survey_available=survey)
    if result.index is None:
        assert result.applicable_max == 0
    else:
        assert D(0) <= result.index <= D(100) and result.index == result.index.quantize(D("0.01"))
    for node_result in result.nodes.values():
        assert node_result.index is None or D(0) <= node_result.index <= D(100)
        assert D(0) <= node_result.points


@FAST
@given(st.decimals(-1000, 1000, places=3), st.decimals(0, 10, places=2), st.decimals(0, 10, places=2),
       st.decimals(-10, 200, places=2))
def test_compute_index_bounds(points, bonus, deductions, maximum):
    index = compute_index(points, bonus, deductions, maximum)
    assert (index is None) == (maximum <= 0)
    assert index is None or D(0) <= index <= D(100)


@FAST
@given(scenarios(exact=True, na=False))
def test_valid_set_total_equals_the_sum_of_the_leaves(scenario):
    fields, states = scenario
    result = evaluate(fields, states, bonus_cap=None, deduction_cap=None)
    leaf_sum = sum((result.nodes[leaf.code].points for leaf in leaves(fields)), D(0))
    assert result.appraisal_points + result.survey_points == leaf_sum == result.points_total


@FAST
@given(scenarios(over_max=True))
def test_total_is_the_sum_of_the_leaves_within_the_caps(scenario):
    fields, states = scenario
    result = evaluate(fields, states, bonus_cap=None, deduction_cap=None)
    for node in iter_nodes(fields):
        got = result.nodes[node.code]
        if node.children and not got.not_applicable and not got.survey_excluded:
            children_sum = sum((result.nodes[c.code].points for c in node.children), D(0))
            assert got.points == min(children_sum, got.applicable_max)
            assert got.appraisal_points + got.survey_points == got.points
        if not node.children and not got.not_applicable:
            assert D(0) <= got.points <= node.max_points
    leaf_sum = sum((result.nodes[leaf.code].points for leaf in leaves(fields)), D(0))
    assert result.appraisal_points + result.survey_points <= leaf_sum


@FAST
@given(scenarios(), st.data())
def test_marking_one_item_na_never_changes_another_items_points(scenario, data):
    fields, states = scenario
    nodes = list(iter_nodes(fields))
    target = data.draw(st.sampled_from(nodes))
    before = evaluate(fields, states, bonus_cap=None, deduction_cap=None)
    after = evaluate(fields, {**states, target.code: ItemState(None, not_applicable=True)},
                     bonus_cap=None, deduction_cap=None)
    leaving = {n.code for n in iter_nodes([target])}
    assert after.nodes[target.code].not_applicable
    for leaf in leaves(fields):
        if leaf.code not in leaving:
            assert after.nodes[leaf.code] == before.nodes[leaf.code]


INDEXES = st.sampled_from(["70", "80.5", "90", "90", "95.25"]).map(D)
SMALL = st.sampled_from(["10", "20", "20"]).map(D)
ROWS = st.lists(st.builds(RankInput, st.integers(0, 10_000), st.one_of(INDEXES, st.none()), SMALL, SMALL,
                          st.sampled_from(["department", "district"])),
                max_size=30, unique_by=lambda r: r.unit_id)
BREAKERS = st.sampled_from([("appraisal_points", "survey_points"), ("survey_points",), ()])


@FAST
@given(ROWS, BREAKERS)
def test_ranking_agrees_with_the_results_and_ties_share_a_rank(rows, tie_breakers):
    ranked = rank_units(rows, tie_breakers)
    assert sorted(u.unit_id for u in ranked) == sorted(r.unit_id for r in rows)
    by_id = {r.unit_id: r for r in rows}

    def key(row):
        return (row.index, *(getattr(row, name) for name in tie_breakers))

    for unit in ranked:
        row = by_id[unit.unit_id]
        same_type = [r for r in rows if r.unit_type == row.unit_type and r.index is not None]
        if row.index is None:
            assert unit.rank is None
            continue
        # competition ranking: 1 + the number of units of the type that are strictly better
        assert unit.rank == 1 + sum(1 for r in same_type if key(r) > key(row))
        assert unit.tied == any(key(r) == key(row) for r in same_type if r is not row)
    for a, b in itertools.product(ranked, ranked):
        if a.unit_type == b.unit_type and a.index is not None and b.index is not None:
            if a.index > b.index:
                assert a.rank < b.rank
            if key(by_id[a.unit_id]) == key(by_id[b.unit_id]):
                assert a.rank == b.rank
    order = [(u.unit_type, u.rank is None, u.rank or 0, u.unit_id) for u in ranked]
    assert order == sorted(order)


@FAST
@given(st.decimals(0, D("999999.99"), places=2), st.sampled_from([",", "."]))
def test_parse_decimal_reads_back_what_it_would_show(value, separator):
    text = format(value, "f").replace(".", separator)
    assert parse_decimal(text) == value
    assert parse_decimal(f" {text} ") == value


@FAST
@given(trees(), st.data(), st.sampled_from(["rescale", "zero"]))
def test_a_shared_memo_changes_nothing(fields, data, policy):
    """Units evaluated one after another with one memo (as a year's computation does) get exactly
    what each gets alone: every node's result, the totals, the band and the warnings (points over the
    maximum warn on every unit that has them), for both stages' survey modes."""
    memo: dict = {}
    settings_ = YearSettings(no_survey_policy=policy)
    for _unit in range(4):
        states = data.draw(states_for(fields, over_max=True))
        counts = data.draw(st.dictionaries(st.sampled_from(["B1", "D1", "D2", "X9"]), st.integers(0, 8)))
        for survey in (True, False):
            plain = evaluate(fields, states, ADJUSTMENTS, counts, bonus_cap=D(3), deduction_cap=None,
                             settings=settings_, survey_available=survey)
            shared = evaluate(fields, states, ADJUSTMENTS, counts, bonus_cap=D(3), deduction_cap=None,
                              settings=settings_, survey_available=survey, memo=memo)
            assert shared == plain
            assert [str(w) for w in shared.warnings] == [str(w) for w in plain.warnings]
            assert {c: str(r) for c, r in shared.nodes.items()} == {c: str(r) for c, r in plain.nodes.items()}


@FAST
@given(trees(), st.data(), st.sampled_from(["rescale", "zero"]))
def test_groups_shared_between_units_change_nothing(fields, data, policy):
    """As a year's computation passes them, units share their ItemState objects (one per distinct score), so
    the memo recognises a group of items it has seen and reuses its results: each unit still gets exactly
    what it gets alone — with N/A items and groups, points over the maximum (warnings), unscored and missing
    items, 1 written as 1.00, both survey modes."""
    pool = {code: data.draw(st.lists(st.sampled_from([
        ItemState(None), ItemState(None, True), ItemState(D("1")), ItemState(D("1.00")), ItemState(D("0.25")),
        ItemState(D("0")), ItemState(D("99")), None]), min_size=1, max_size=3))
        for code in (n.code for n in iter_nodes(fields))}
    memo: dict = {}
    settings_ = YearSettings(no_survey_policy=policy)
    for _unit in range(6):
        states = {}
        for code, choices in pool.items():
            state = choices[data.draw(st.integers(0, len(choices) - 1))]
            if state is not None:
                states[code] = state
        for survey in (True, False):
            plain = evaluate(fields, states, bonus_cap=None, deduction_cap=None, settings=settings_,
                             survey_available=survey)
            shared = evaluate(fields, states, bonus_cap=None, deduction_cap=None, settings=settings_,
                              survey_available=survey, memo=memo)
            assert shared == plain
            assert [str(w) for w in shared.warnings] == [str(w) for w in plain.warnings]
            assert {c: str(r) for c, r in shared.nodes.items()} == {c: str(r) for c, r in plain.nodes.items()}


def test_a_group_seen_before_is_not_walked_again():
    """The second unit with the very same states of a group gets the group's results from the memo: its
    items are not evaluated again (the memo's hit is what makes a national year fast)."""
    items = tuple(Node(f"a{i}", "a", D(1), "number") for i in range(3))
    fields = [Node("F", "F", D(3), children=(Node("G", "G", D(3), children=items, kind="group"),), kind="field")]
    full, half = ItemState(D(1)), ItemState(D("0.5"))
    states = {"a0": full, "a1": half, "a2": full}
    memo: dict = {}
    first = evaluate(fields, states, bonus_cap=None, deduction_cap=None, memo=memo)
    leaf_keys = [key for key in memo if len(key) == 3 and key[0] in ("a0", "a1", "a2")]
    memo_size = len(memo)
    second = evaluate(fields, dict(states), bonus_cap=None, deduction_cap=None, memo=memo)
    assert second == first and len(memo) == memo_size and len(leaf_keys) == 3
    other = evaluate(fields, {**states, "a1": ItemState(D("0.5"))}, bonus_cap=None, deduction_cap=None,
                     memo=memo)      # an equal state but another object: evaluated, same result
    assert other == first and len(memo) == memo_size + 1


def test_the_memo_keeps_points_as_written():
    """1 and 1.00 are equal keys of the memo, yet each unit's result keeps its points as given."""
    fields = [Node("F", "F", D(2), children=(Node("a", "a", D(2), "number"),), kind="field")]
    memo: dict = {}
    for points in (D("1"), D("1.00"), D("1.0"), D("1")):
        shared = evaluate(fields, {"a": ItemState(points)}, bonus_cap=None, deduction_cap=None, memo=memo)
        plain = evaluate(fields, {"a": ItemState(points)}, bonus_cap=None, deduction_cap=None)
        assert str(shared.nodes["a"].points) == str(plain.nodes["a"].points) == str(points)
        assert str(shared.appraisal_points) == str(plain.appraisal_points)
