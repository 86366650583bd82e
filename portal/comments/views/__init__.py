"""The comments area's route modules; importing this package registers their routes on ``portal.comments.bp``."""
from portal.comments.views import threads  # noqa: F401
