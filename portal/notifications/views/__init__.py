"""The notifications area's route modules; importing this package registers their routes on ``portal.notifications.bp``."""
from portal.notifications.views import inbox  # noqa: F401
