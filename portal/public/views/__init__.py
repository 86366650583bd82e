"""The public area's route modules; importing this package registers their routes on ``portal.public.bp``."""
from portal.public.views import pages  # noqa: F401
