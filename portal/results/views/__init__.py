"""The results area's route modules; importing this package registers their routes on ``portal.results.bp``."""
from portal.results.views import results, approval, correction, settings, survey  # noqa: F401
