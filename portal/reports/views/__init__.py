"""The reports area's route modules; importing this package registers their routes on ``portal.reports.bp``."""
from portal.reports.views import reports, exports, files, signer  # noqa: F401
