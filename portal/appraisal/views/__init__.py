"""The appraisal area's route modules; importing this package registers their routes on ``portal.appraisal.bp``."""
from portal.appraisal import history_texts  # noqa: F401  (the change list's words, a template global)
from portal.appraisal.views import appraise, assignments, done  # noqa: F401
