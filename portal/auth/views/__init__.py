"""The auth area's route modules; importing this package registers their routes on ``portal.auth.bp``."""
from portal.auth.views import login, totp  # noqa: F401
