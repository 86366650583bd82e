"""The one responder (portal/web/htmx.py) and the one refusal handler (portal/web/errors.py): the block comes
from the view's allow-list keyed by HX-Target, every answer varies on HX-Request and HX-Target, and a Refusal
— the view's own answer or the policy's Refused — is answered after the transaction is rolled back."""
import pytest

from portal.audit.models import AuditLog
from portal.audit.services import record
from portal.extensions import db
from portal.policy.decisions import refuse
from portal.policy.refusals import Refused, check
from portal import create_app
from portal.web.htmx import Refusal, chosen_block, error_response, render

HX = {"HX-Request": "true"}


def _answer(app, headers, **kwargs):
    with app.test_request_context("/", headers=headers):
        app.preprocess_request()
        return chosen_block(**kwargs)


@pytest.mark.parametrize("headers, expected", [
    ({}, None),                                                     # no htmx: the whole page
    ({**HX, "HX-Target": "unit-table"}, "unit_table"),              # listed target: its block
    ({**HX, "HX-Target": "somewhere-else"}, None),                  # unlisted target: the whole page
    ({**HX, "HX-Target": "unit-table", "HX-Boosted": "true"}, None),  # boosted navigation: the whole page
])
def test_block_chosen_from_the_allow_list(app, headers, expected):
    assert _answer(app, headers, targets={"unit-table": "unit_table"}) == expected


def test_a_fixed_block_for_any_htmx_request(app):
    assert _answer(app, {**HX, "HX-Target": "anything"}, block="row") == "row"
    assert _answer(app, {}, block="row") is None
    assert _answer(app, {**HX, "HX-Target": "x"}, block="row", targets={"y": "other"}) == "row"


def test_every_answer_varies_on_request_and_target(app):
    with app.test_request_context("/", headers={**HX, "HX-Target": "error"}):
        app.preprocess_request()
        response = render("errors/error.html", block="error_message", code=404, title="t", message="m",
                          request_id="")
        assert {"HX-Request", "HX-Target"} <= set(response.vary)
        assert "<html" not in response.get_data(as_text=True)
        assert set(error_response(409, "Vì lý do này.").vary) >= {"HX-Request", "HX-Target"}


@pytest.fixture(scope="module")
def mini(app):
    """A second portal app on the same database with two routes of these tests' own (the session's app has
    served requests and takes no new routes)."""
    second = create_app(type("Settings", (), dict(app.config)))

    @second.route("/write-then-refuse")
    def write_then_refuse():
        record("test.refusal", "test", 1)
        raise Refusal(answer=lambda: ("stored now: %d" % db.session.query(AuditLog).filter_by(
            action="test.refusal").count(), 422))

    @second.route("/refused/<code>")
    def refused(code):
        check(refuse(code), phase="self_assessment")

    return second


def test_refusal_is_answered_after_the_rollback(mini):
    response = mini.test_client().get("/write-then-refuse")
    assert response.status_code == 422
    assert response.get_data(as_text=True) == "stored now: 0"


@pytest.mark.parametrize("code, status", [("role", 403), ("not_own_unit", 403), ("wrong_phase", 409),
                                          ("closed", 409)])
def test_an_uncaught_policy_refusal_answers_with_its_reason(mini, code, status):
    response = mini.test_client().get(f"/refused/{code}", headers={"Accept-Language": "vi"})
    assert response.status_code == status
    assert "Lỗi hệ thống" not in response.get_data(as_text=True)
    assert issubclass(Refused, Refusal)
