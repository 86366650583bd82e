"""The year's signals call their receivers in a fixed order (blinker's own order is undefined): every area's
records first, then the telling; by module and function name within a stage."""
import random

from blinker import Namespace

from portal.years.signals import RECORDS, TELL, receiver, receivers, send


def _planted(signal, calls):
    made = []
    for module, name, stage in (("portal.results.listeners", "b", RECORDS),
                                ("portal.notifications.listeners", "tell", TELL),
                                ("portal.appraisal.listeners", "z", RECORDS),
                                ("portal.assessments.listeners", "a", RECORDS)):
        def function(year, _name=f"{module}.{name}", **kwargs):
            calls.append((_name, year, kwargs))
            return _name
        function.__module__, function.__qualname__ = module, name
        made.append(function)
    random.shuffle(made)  # whatever order they connect in
    for function in made:
        receiver(signal, stage=TELL if function.__qualname__ == "tell" else RECORDS)(function)
    return made  # strong references: blinker holds receivers weakly


def test_records_move_first_then_people_are_told_in_a_fixed_order():
    signal, calls = Namespace().signal("planted"), []
    kept = _planted(signal, calls)
    order = ["portal.appraisal.listeners.z", "portal.assessments.listeners.a", "portal.results.listeners.b",
             "portal.notifications.listeners.tell"]
    assert [f"{f.__module__}.{f.__qualname__}" for f in receivers(signal, "year")] == order
    assert send(signal, "year", new="review_1") == order
    assert calls == [(name, "year", {"new": "review_1"}) for name in order]
    assert len(kept) == 4


def test_a_signal_without_receivers_sends_to_nobody():
    assert send(Namespace().signal("alone"), "year") == []
