"""The users area's route modules; importing this package registers their routes on ``portal.users.bp``."""
from portal.users.views import users  # noqa: F401
