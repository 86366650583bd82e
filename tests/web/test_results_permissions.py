"""Permission matrix of the results and public routes: every route × actor (anonymous, unit staff and leader
of their own unit GA or of another unit GB, council member, chair, admin) × state of the year (before
synthesis, synthesis, approval without and with a decision, published).

Mutating routes are called so that a permitted actor is stopped by validation, not by the rule (an empty
decision number → 422, a survey form value out of range → 422, no file → 422, an unknown token → 409):
the answer shows the rule let the request through, and the state of the year stays the same for the next
cell. Compute (idempotent) succeeds; publish is the last cell of its state.
"""
import pytest
from tests.web.results_setup import approve_and_publish, compute, golden_world

ACTORS = ("anonymous", "staff_own", "leader_own", "staff_other", "leader_other", "member", "chair", "admin")
USERNAMES = {"staff_own": "ga.canbo", "leader_own": "ga.lanhdao", "staff_other": "gb.canbo",
             "leader_other": "gb.lanhdao", "member": "thanhvien", "chair": "chutich", "admin": "qt"}
UNITS = {"staff_own", "leader_own", "staff_other", "leader_other"}
COUNCIL = {"member", "chair", "admin"}
STATES = ("review_2", "synthesis", "approval", "approved", "published")
FROM_SYNTHESIS = {"synthesis", "approval", "approved", "published"}
LOGIN = "login"  # a redirect to the login page


def expected(route: str, actor: str, state: str):
    if actor == "anonymous" and not route.startswith("public."):
        return LOGIN
    admin, council, unit = actor == "admin", actor in COUNCIL, actor in UNITS
    chair_or_admin = actor in ("admin", "chair")
    table = {
        "results.index": 302 if council else 403,
        "results.overview": 200 if council else 403,
        # a council member: the year's results once published (its own agency is in them), never a unit's
        # internal result page (the honesty gap shows self-scores of every field)
        "results.heatmap": 200 if (chair_or_admin and state in FROM_SYNTHESIS) or (
            actor == "member" and state == "published") else 403,
        "results.unit_detail": 200 if chair_or_admin and state in FROM_SYNTHESIS else 403,
        "results.mine": 200 if unit else 403,
        "results.compute": 303 if admin and state in ("synthesis", "approval") else 403,
        "results.approve_results": 422 if actor in ("admin", "chair") and state == "approval" else 403,
        "results.settings:get": 200 if admin else 403,
        "results.settings:post": 422 if admin and state in ("review_2", "synthesis", "approval") else 403,
        "results.survey": 200 if admin else 403,
        "results.survey_template": 200 if admin else 403,
        "results.survey_preview": 422 if admin and state == "synthesis" else 403,
        "results.survey_confirm": 409 if admin else 403,
        "results.survey_unit:get": 200 if admin else 403,
        "results.survey_unit:post": 422 if admin and state == "synthesis" else 403,
        "public.index": 200,
        "public.year_page": 200 if state == "published" else 404,
        "public.unit_page": 200 if state == "published" else 404,
        "results.publish_results": 303 if admin and state == "approved" else 403,
    }
    return table[route]


def requests(world):
    """(route, method, url, data) in the order they are tried; publish last."""
    y, ga, gb = world.year_id, world.units["GA"], world.units["GB"]
    c31 = world.crit("3.1").id
    return [
        ("results.index", "get", "/results/", None),
        ("results.overview", "get", f"/results/{y}", None),
        ("results.heatmap", "get", f"/results/{y}/heatmap", None),
        ("results.unit_detail", "get", f"/results/{y}/units/{ga}", None),
        ("results.unit_detail", "get", f"/results/{y}/units/{gb}", None),
        ("results.mine", "get", "/results/mine", None),
        ("results.compute", "post", f"/results/{y}/compute", {}),
        ("results.approve_results", "post", f"/results/{y}/approve", {"decision_number": "", "decision_date": ""}),
        ("results.settings:get", "get", f"/results/{y}/settings", None),
        ("results.settings:post", "post", f"/results/{y}/settings", {"band-0-label": ""}),
        ("results.survey", "get", f"/results/{y}/survey", None),
        ("results.survey_template", "get", f"/results/{y}/survey/template.xlsx", None),
        ("results.survey_preview", "post", f"/results/{y}/survey/preview", {}),
        ("results.survey_confirm", "post", f"/results/{y}/survey/confirm", {"token": "x" * 43}),
        ("results.survey_unit:get", "get", f"/results/{y}/survey/units/{ga}", None),
        ("results.survey_unit:post", "post", f"/results/{y}/survey/units/{ga}", {f"item-{c31}": "99"}),
        ("public.index", "get", "/cong-bo/", None),
        ("public.year_page", "get", "/cong-bo/2022", None),
        ("public.unit_page", "get", "/cong-bo/2022/GA", None),
        ("results.publish_results", "post", f"/results/{y}/publish", {}),
    ]


def prepare(state: str):
    world = golden_world()
    if state == "review_2":
        world.set_phase("review_2")
        return world
    compute(world)
    if state == "approval":
        world.set_phase("approval")
    elif state in ("approved", "published"):
        approve_and_publish(world, publish=state == "published")
    return world


def outcome(response) -> object:
    if response.status_code == 302 and "/login" in response.headers.get("Location", ""):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("state", STATES)
def test_results_permission_matrix(app, ctx, state, auth):
    world = prepare(state)
    clients = {}
    for actor in ACTORS:
        clients[actor] = app.test_client()
        if actor != "anonymous":
            auth.login(USERNAMES[actor], client=clients[actor])
    mismatches = []
    for route, method, url, data in requests(world):
        # admin last, so that a permitted publish happens after everyone else was refused
        for actor in ACTORS:
            client = clients[actor]
            response = client.get(url) if method == "get" else client.post(url, data=data)
            got, want = outcome(response), expected(route, actor, state)
            if got != want:
                mismatches.append((route, url, actor, want, got))
    assert mismatches == []


@pytest.mark.parametrize("state, own_sees", [("synthesis", False), ("approved", False), ("published", True)])
def test_a_unit_sees_only_its_own_result_and_only_once_published(ctx, state, own_sees, auth):
    prepare(state)
    for username, own, other in (("ga.canbo", "97,22", "70,00"), ("gb.lanhdao", "70,00", "97,22")):
        client = auth.login(username)
        html = client.get("/results/mine").get_data(as_text=True)
        assert (f"{own}%" in html) is own_sees and other not in html
        assert ("Kết quả chưa công bố" in html) is not own_sees


def test_login_required_answers_htmx_with_a_redirect_header(app, ctx):
    world = prepare("synthesis")
    response = app.test_client().get(f"/results/{world.year_id}", htmx=True, headers={"HX-Target": "results-panel"})
    assert "/login" in response.headers.get("HX-Redirect", response.headers.get("Location", ""))
    assert "97,22" not in response.get_data(as_text=True)


@pytest.mark.parametrize("state", STATES)
def test_a_council_member_reads_the_years_results_only_once_published(ctx, state, auth):
    """Every unit's index — the member's own agency's among them — is the chair's and the secretariat's
    until publication; then the member's tables link to the public unit pages, not the internal ones."""
    world = prepare(state)
    client = auth.login("thanhvien")
    y = world.year_id
    pages = [client.get(f"/results/{y}"), client.get(f"/results/{y}/heatmap"),
             client.get(f"/results/{y}", htmx=True, headers={"HX-Target": "results-panel"})]
    html = "".join(page.get_data(as_text=True) for page in pages)
    published = state == "published"
    assert ("97,22" in html) is published
    assert ("/cong-bo/2022/GA" in html) is published and f"/results/{y}/units/" not in html
    if not published:
        assert "Trước đó, hãy xem các lĩnh vực được phân công trên trang Thẩm định" in html
    chair = auth.login("chutich")
    assert ("97,22" in chair.get(f"/results/{y}").get_data(as_text=True)) is (state != "review_2")
