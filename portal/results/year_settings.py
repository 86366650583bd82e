"""Thiết lập tính kết quả — save the year's settings (bands, tie-breakers, rewards, no-survey policy) from the
settings screen. The rule (admin, until approval) and the reading of the form are in results/domain.py;
saving writes AssessmentYear.settings and one audit row with the old and new values."""
from portal.audit.services import record
from portal.extensions import db
from portal.results.domain import can_edit_settings
from portal.results.services import approved, settings_of
from portal.scoring import YearSettings
from portal.units.types import forget, type_rows
from portal.policy.actors import actor_for
from portal.policy.refusals import check


def settings_decision(year, user):
    return can_edit_settings(actor_for(user, year), phase=year.phase, approved=approved(year))


def save_settings(year, new: YearSettings, rewards: dict[str, tuple[int, int]], *, user, now) -> bool:
    """Store `new` as the year's settings and `rewards` ({type code: (top N, bottom N)}) on its unit types;
    audited. Returns whether anything changed. The stored results are then out of date (results_stale)
    until they are computed again."""
    check(settings_decision(year, user), phase=year.phase)
    types = type_rows(year)
    old = dict(settings_of(year).to_dict(), rewards={t.code: [t.reward_top, t.reward_bottom] for t in types})
    fresh = dict(new.to_dict(), rewards={t.code: list(rewards.get(t.code, (t.reward_top, t.reward_bottom)))
                                         for t in types})
    if old == fresh:
        return False
    for t in types:
        t.reward_top, t.reward_bottom = fresh["rewards"][t.code]
    forget()
    year.settings = new.to_dict()
    db.session.flush()
    record("results_settings_update", "assessment_year", year.id, actor=user, year_id=year.id, old=old, new=fresh)
    return True
