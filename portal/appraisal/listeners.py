"""How the council's rounds move with the year: the appraisal area's receivers of
:mod:`portal.years.signals` (loaded by the app factory; years never imports this module)."""
from portal.appraisal.rounds import close_round1_for_year, units_to_close
from portal.years.domain import Phase
from portal.years.signals import closing_effect_asked, phase_changed, receiver


@receiver(phase_changed)
def close_round1_at_deadline(year, *, new, back, user, now, **_) -> int | None:
    """Review round 1 → explanation is round 1's deadline: every file the chair has not closed is closed."""
    if new == Phase.EXPLANATION and not back:
        return close_round1_for_year(year, actor=user, now=now)
    return None


@receiver(closing_effect_asked)
def rounds_to_close(year, **_) -> int | None:
    """How many files moving on from review round 1 would close."""
    return len(units_to_close(year)) if year.phase == str(Phase.REVIEW_1) else None
