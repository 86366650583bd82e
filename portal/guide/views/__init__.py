"""The guide area's route modules; importing this package registers their routes on ``portal.guide.bp``."""
from portal.guide.views import pages  # noqa: F401
