"""The criteria area's route modules; importing this package registers their routes on ``portal.criteria.bp``."""
from portal.criteria.views import sets, import_export, items  # noqa: F401
