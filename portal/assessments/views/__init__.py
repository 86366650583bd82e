"""The assessments area's route modules; importing this package registers their routes on ``portal.assessments.bp``."""
from portal.assessments.views import workspace, explain, evidence, xlsx  # noqa: F401
