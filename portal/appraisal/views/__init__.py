"""The appraisal area's route modules; importing this package registers their routes on ``portal.appraisal.bp``."""
from portal.appraisal.views import appraise, assignments, done  # noqa: F401
