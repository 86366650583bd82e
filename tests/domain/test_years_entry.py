"""Entering a working phase asks what to do with a window that is not open (open it now / keep it) or
already closed (set a new closing time / keep it); an extension or reopening only ever gives more time."""
from datetime import UTC, datetime, timedelta

import pytest

from portal.years.entry import can_give_until, entry_question, entry_window
from portal.policy.decisions import REASON_MESSAGES
from portal.years.phases import Window

NOW = datetime(2023, 4, 1, 1, 0, tzinfo=UTC)
H = timedelta(hours=1)


@pytest.mark.parametrize("window, question", [
    (Window(None, None), None),
    (Window(NOW - H, NOW + H), None),
    (Window(NOW, NOW), None),                       # opening and closing second are inside
    (Window(NOW + timedelta(seconds=1), None), "not_open"),
    (Window(NOW + 24 * H, NOW + 48 * H), "not_open"),
    (Window(NOW - 48 * H, NOW - timedelta(seconds=1)), "closed"),
    (Window(NOW - 48 * H, NOW - timedelta(seconds=1), grace_seconds=5), None),  # still in its grace
    (Window(None, NOW - H), "closed"),
])
def test_the_question_follows_the_window(window, question):
    assert entry_question(window, NOW) == question


def test_open_now_moves_the_opening_and_keeps_the_closing():
    window = Window(NOW + 24 * H, NOW + 48 * H, 30)
    answer = entry_window(window, "not_open", "open_now", NOW)
    assert answer.problem is None and answer.window == Window(NOW, NOW + 48 * H, 30)
    assert entry_question(answer.window, NOW) is None


def test_a_new_closing_time_reopens_a_closed_window():
    window = Window(NOW - 48 * H, NOW - H)
    answer = entry_window(window, "closed", "new_close", NOW, NOW + 72 * H)
    assert answer.window == Window(NOW - 48 * H, NOW + 72 * H) and entry_question(answer.window, NOW) is None
    assert entry_window(Window(None, NOW - H), "closed", "new_close", NOW, NOW + H).window == Window(NOW, NOW + H)


@pytest.mark.parametrize("question, choice, new_close, problem", [
    ("not_open", None, None, "choice_required"),
    ("not_open", "", None, "choice_required"),
    ("not_open", "new_close", NOW + H, "choice_required"),   # not an answer to this question
    ("closed", "open_now", None, "choice_required"),
    ("closed", "new_close", None, "close_required"),
    ("closed", "new_close", NOW, "close_not_after_now"),
    ("closed", "new_close", NOW - H, "close_not_after_now"),
])
def test_answers_that_do_not_answer_are_asked_again(question, choice, new_close, problem):
    window = Window(NOW + H, None) if question == "not_open" else Window(None, NOW - H)
    answer = entry_window(window, question, choice, NOW, new_close)
    assert (answer.window, answer.problem) == (None, problem)


@pytest.mark.parametrize("question", ["not_open", "closed"])
def test_keep_is_an_explicit_answer_and_no_question_changes_nothing(question):
    window = Window(NOW + H, NOW + 2 * H) if question == "not_open" else Window(NOW - 2 * H, NOW - H)
    assert entry_window(window, question, "keep", NOW).window == window
    open_window = Window(NOW - H, NOW + H)
    assert entry_window(open_window, None, None, NOW).window == open_window


@pytest.mark.parametrize("until, allowed", [
    (NOW - H, False), (NOW, False), (NOW + timedelta(seconds=1), True), (NOW + 48 * H, True)])
def test_an_extension_only_gives_more_time_than_the_common_deadline(until, allowed):
    decision = can_give_until(NOW, until)
    assert decision.allowed is allowed
    if not allowed:
        assert decision.reason == "shorter_than_common" and decision.until == NOW
        assert "không rút ngắn" in REASON_MESSAGES[decision.reason]
    assert can_give_until(None, until)  # no common deadline: nothing to shorten
