"""Imports every model so that Alembic and create_all see the whole schema."""
from portal.appraisal.models import AppraisalOverride, CouncilAssignment, FieldReview  # noqa: F401
from portal.assessments.models import Assessment, Explanation, ScoreEntry  # noqa: F401
from portal.audit.models import AuditLog  # noqa: F401
from portal.auth.models import LoginSession, User  # noqa: F401
from portal.comments.models import Comment, CommentRead  # noqa: F401
from portal.criteria.models import CriteriaSet, Criterion  # noqa: F401
from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence  # noqa: F401
from portal.notifications.models import Notification  # noqa: F401
from portal.results.models import Approval, Correction, SurveyImport, SurveyScore, UnitResult  # noqa: F401
from portal.units.models import Unit, UnitLineage, UnitName, UnitSigner, UnitType  # noqa: F401
from portal.years.models import AssessmentYear, PhaseWindow, UnitDeadline  # noqa: F401
from portal.reports.models import ExportJob  # noqa: F401
