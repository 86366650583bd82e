"""The years area's route modules; importing this package registers their routes on ``portal.years.bp``."""
from portal.years.views import years, progress  # noqa: F401
