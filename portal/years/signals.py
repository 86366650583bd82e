"""Signals of the assessment year (blinker, shipped with Flask): how the areas above years move with it.

:mod:`portal.years.services` sends them; assessments, appraisal, results and the inbox subscribe in their own
``listeners`` modules, which the app factory loads (each package's ``ROUTES``). Years imports none of them
(conventions rule 14), the way Indico's modules react to ``signals.event.*``. A change is sent after it is
flushed, inside the caller's transaction: what a receiver writes is committed with it, and a refusal raised by
a receiver rolls the whole request back.

Receivers run in a fixed order (:func:`send`): first every area moves its records (stage ``RECORDS``), then
people are told (stage ``TELL``); within a stage, by module and function name.
"""
from __future__ import annotations

from blinker import Namespace, Signal

RECORDS, TELL = 0, 1

_signals = Namespace()

#: The year moved from phase ``old`` to ``new`` (a :class:`~portal.years.domain.Phase`); ``back`` is True for
#: a move back (then ``reason`` says why); ``user`` and ``now``. A receiver returns how many files it locked
#: or closed, or None.
phase_changed = _signals.signal("year-phase-changed")

#: How many files would moving the year on from its current phase lock or close (for the confirmation)?
#: A receiver returns a count, or None.
closing_effect_asked = _signals.signal("year-closing-effect-asked")

#: What the rule for moving the year to ``target`` needs to know from the areas above it: a receiver returns
#: a dict of keyword arguments of :func:`portal.years.domain.can_change_phase` (``approved``, ``stale``).
phase_facts_asked = _signals.signal("year-phase-facts-asked")

#: One unit (``unit``) was reopened in the year's current ``phase`` until ``until``, with ``reason``, by
#: ``user`` at ``now``. A receiver that moves the unit's file back returns ``(status before, status after)``.
unit_reopened = _signals.signal("year-unit-reopened")

#: One unit (``unit``) got an extension of the current phase until ``until``, with ``reason``, at ``now``.
deadline_extended = _signals.signal("year-deadline-extended")


def receiver(signal: Signal, *, stage: int = RECORDS):
    """Connect the decorated function to ``signal``, to run at ``stage`` (:data:`RECORDS` or :data:`TELL`)."""
    def connect(function):
        function.stage = stage
        signal.connect(function)
        return function
    return connect


def receivers(signal: Signal, year) -> list:
    """The receivers of ``signal`` in the order :func:`send` calls them."""
    return sorted(signal.receivers_for(year),
                  key=lambda f: (getattr(f, "stage", RECORDS), f.__module__, f.__qualname__))


def send(signal: Signal, year, **kwargs) -> list:
    """Call every receiver of ``signal`` with ``year`` and ``kwargs`` in a fixed order (blinker's own order
    is undefined); returns their values in that order."""
    return [function(year, **kwargs) for function in receivers(signal, year)]
