"""The units area's route modules; importing this package registers their routes on ``portal.units.bp``."""
from portal.units.views import units  # noqa: F401
