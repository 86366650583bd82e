"""The home area's route modules; importing this package registers their routes on ``portal.home.bp``."""
from portal.home.views import home  # noqa: F401
