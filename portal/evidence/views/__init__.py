"""The evidence area's route modules; importing this package registers their routes on ``portal.evidence.bp``."""
from portal.evidence.views import library, files  # noqa: F401
