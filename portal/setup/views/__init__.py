"""The setup area's route modules; importing this package registers their routes on ``portal.setup.bp``."""
from portal.setup.views import opening, lineage  # noqa: F401
