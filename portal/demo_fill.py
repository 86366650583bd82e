"""Điền dữ liệu mẫu — fill a year's assessments with plausible, deterministic data up to a chosen phase:
self-scores with evidence documents (each with a small real PDF file), round-1 appraisal with notes,
comments sent to units and explanation requests, the units' explanations, round 2, finalisation and survey
scores, then the computed results.

Used by `flask seed-demo --phase <phase>` (so a reviewer can open a year that is already appraised), by
the tests that need a whole year, and by the benchmarks in bench/. Every number goes through the same
scoring functions as a save in the pages (portal.assessments.domain.read_item_form), so the stored points
are exactly what a person typing those inputs would get. Rows are inserted in bulk and the fill writes one
summary audit row, not one per entry: it is a data load, not a person's work.
"""
import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from portal.unitfile.domain import field_of
from portal.appraisal.models import AppraisalOverride, CouncilAssignment, FieldReview
from portal.assessments.domain import read_item_form
from portal.assessments.models import Assessment, Explanation, ScoreEntry
from portal.audit.services import record
from portal.auth.models import User
from portal.comments.models import Comment
from portal.criteria.models import Criterion
from portal.demo_evidence import file_row
from portal.evidence.models import EvidenceDocument, EvidenceFile, ItemEvidence
from portal.extensions import db
from portal.results.models import SurveyScore
from portal.results.services import compute_results

# The phases a filled year can stand in, in order; the work of the phases before it is done.
STAGES = ("self_assessment", "review_1", "explanation", "review_2", "synthesis")
UNIT_METHODS = ("levels", "percentage", "ratio", "yes_no", "number")

DOC_KINDS = (("KH", "Kế hoạch"), ("BC", "Báo cáo"), ("QĐ", "Quyết định"), ("TB", "Thông báo"), ("CV", "Công văn"))
NOTES = ("Đơn vị đã ban hành văn bản đúng thời hạn, có tài liệu kèm theo.",
         "Số liệu lấy từ hệ thống quản lý văn bản và điều hành của đơn vị.",
         "Đã tổng hợp theo báo cáo định kỳ gửi Sở Nội vụ.")
COUNCIL_NOTES = ("Tài liệu kiểm chứng chưa thể hiện đủ số liệu đơn vị kê khai.",
                 "Văn bản ban hành chậm so với thời hạn quy định.",
                 "Tỷ lệ tính lại theo số liệu của hệ thống một cửa điện tử.")
EXPLANATIONS = ("Đơn vị xin bổ sung văn bản số liệu chi tiết; đề nghị Hội đồng xem xét giữ điểm tự chấm.",
                "Đơn vị đã ban hành đúng hạn theo dấu công văn đến; gửi kèm bản chụp sổ đăng ký văn bản.")


class Filler:
    """One fill of one year; `rng` makes it deterministic for a given seed."""

    def __init__(self, year, *, now, seed: int = 2022):
        self.year, self.now, self.rng = year, now, random.Random(seed)
        self.assessments = list(db.session.scalars(select(Assessment).where(Assessment.year_id == year.id)
                                                   .order_by(Assessment.id)))
        set_ids = {a.criteria_set_id for a in self.assessments}
        self.criteria = defaultdict(list)
        for crit in db.session.scalars(select(Criterion).where(Criterion.set_id.in_(set_ids))
                                       .order_by(Criterion.set_id, Criterion.position, Criterion.id)):
            self.criteria[crit.set_id].append(crit)
        self.users = defaultdict(dict)
        for user in db.session.scalars(select(User).where(User.role.in_(("unit_staff", "unit_leader")))):
            self.users[user.unit_id].setdefault(user.role, user.id)
        self.members = {}
        for row in db.session.scalars(select(CouncilAssignment).where(CouncilAssignment.year_id == year.id)
                                      .order_by(CouncilAssignment.id)):
            self.members.setdefault(row.field_code, row.user_id)
        council = list(db.session.scalars(select(User).where(User.role.in_(("council_member", "council_chair")))
                                          .order_by(User.id)))
        self.agency = {u.id: u.unit_id for u in council}
        self.plain_members = [u.id for u in council if u.role == "council_member"]
        self.chair = next((u.id for u in council if u.role == "council_chair"), None)
        self.admin = db.session.scalar(select(User.id).where(User.role == "admin").order_by(User.id).limit(1))
        self.overrides = {(o.unit_id, o.field_code): o.user_id for o in db.session.scalars(
            select(AppraisalOverride).where(AppraisalOverride.year_id == year.id))}
        self.counts = defaultdict(int)

    # ----------------------------------------------------------------------------------------- helpers

    def leaves(self, set_id):
        parents = {c.parent_id for c in self.criteria[set_id]}
        return [c for c in self.criteria[set_id] if c.id not in parents and c.kind in ("item", "adjustment")]

    def _form(self, crit, quality: float) -> dict:
        """Inputs a unit of the given quality (0–1) would declare for an item."""
        rng, cfg = self.rng, crit.config or {}
        if crit.method == "levels":
            levels = cfg.get("levels") or [["", "0"]]
            best = 0 if rng.random() < quality else rng.randrange(len(levels))
            return {"level": str(best)}
        if crit.method in ("percentage", "ratio"):
            denominator = rng.randint(5, 400)
            share = 1.0 if rng.random() < quality else rng.uniform(0.6, 0.99)
            return {"numerator": str(round(denominator * share)), "denominator": str(denominator)}
        if crit.method == "yes_no":
            return {"yes": "1" if rng.random() < quality + 0.05 else "0"}
        if crit.method == "number":
            step = Decimal(str(cfg.get("step", "0.25")))
            top = int((crit.max_points or 0) / step)
            return {"value": str(step * round(top * min(1.0, quality + rng.random() * 0.1)))}
        if crit.method in ("bonus", "deduction"):
            chance = 0.3 if crit.method == "bonus" else 0.25
            return {"count": str(rng.randint(1, 2) if rng.random() < chance else 0)}
        return {}

    def _entry(self, assessment, crit, stage, form, *, user_id, requested=False):
        item = read_item_form(crit.method, crit.max_points, crit.config or {}, form, na_allowed=crit.na_allowed)
        if item.errors:  # the generator must only produce valid inputs; fail loudly if it ever does not
            raise ValueError(f"{crit.code}: {item.errors}")
        return {"assessment_id": assessment.id, "criterion_id": crit.id, "stage": stage, "inputs": item.inputs,
                "points": item.points, "not_applicable": item.not_applicable, "na_reason": item.na_reason or None,
                "note": item.note, "explanation_requested": requested, "agreed": False, "version": 1,
                "updated_by_id": user_id, "updated_at": self.now}

    def appraiser(self, assessment, field: str) -> int | None:
        """Who appraises one field of one unit: the admin's reassignment, else the assigned member (the chair
        for the bonus/deduction items). A member never appraises its own agency's unit (the conflict rule):
        the fill then reassigns the field to the first member of another agency, as the admin would."""
        key = (assessment.unit_id, field)
        if key in self.overrides:
            return self.overrides[key]
        member = self.members.get(field) or self.chair
        if member is not None and self.agency.get(member) == assessment.unit_id:
            other = next(m for m in self.plain_members if self.agency.get(m) != assessment.unit_id)
            db.session.add(AppraisalOverride(year_id=self.year.id, unit_id=assessment.unit_id, field_code=field,
                                             user_id=other))
            self.counts["appraisal_override"] += 1
            self.overrides[key] = member = other
        return member

    def finaliser(self, assessment) -> int | None:
        """The chair finalises a unit, except its own agency's, which the admin finalises."""
        return self.admin if self.agency.get(self.chair) == assessment.unit_id else self.chair

    def _insert(self, model, rows):
        if rows:
            db.session.execute(insert(model), rows)
            self.counts[model.__tablename__] += len(rows)

    # ------------------------------------------------------------------------------------------ stages

    def self_assessment(self):
        entries, links, backs = [], [], defaultdict(list)
        self.quality = {}
        for a in self.assessments:
            quality = self.rng.uniform(0.7, 0.98)
            self.quality[a.id] = quality
            staff = self.users[a.unit_id].get("unit_staff")
            docs = self._documents(a, staff)
            for doc_id in docs:
                backs[doc_id] = []
            for crit in self.leaves(a.criteria_set_id):
                if crit.method == "survey" or (crit.kind == "item" and crit.method not in UNIT_METHODS):
                    continue
                if crit.na_allowed and self.rng.random() < 0.12:
                    form = {"not_applicable": "1", "na_reason": "Đơn vị không có nhiệm vụ này trong năm."}
                else:
                    form = self._form(crit, quality)
                if crit.kind == "item":
                    form["note"] = self.rng.choice(NOTES)
                row = self._entry(a, crit, "self", form, user_id=staff)
                entries.append(row)
                if row["points"] and crit.kind == "item" and docs and self.rng.random() < 0.9:
                    links.append({"assessment_id": a.id, "criterion_id": crit.id, "stage": "self",
                                  "document_id": self.rng.choice(docs), "created_by_id": staff,
                                  "created_at": self.now})
                    backs[links[-1]["document_id"]].append(crit.code)
            a.status, a.self_submitted_at = "submitted", self.now
            a.self_submitted_by_id = self.users[a.unit_id].get("unit_leader")
        self._insert(ScoreEntry, entries)
        self._insert(ItemEvidence, links)
        self._insert(EvidenceFile, [file_row(db.session.get(EvidenceDocument, doc_id), codes, year=self.year.year,
                                             now=self.now) for doc_id, codes in backs.items()])

    def _documents(self, assessment, staff) -> list[int]:
        ids = []
        for n in range(self.rng.randint(3, 6)):
            short, kind = self.rng.choice(DOC_KINDS)
            issued = date(self.year.year, 1, 1) + timedelta(days=self.rng.randrange(360))
            doc = EvidenceDocument(unit_id=assessment.unit_id, year_id=self.year.id,
                                   symbol=f"{self.rng.randint(10, 999)}/{short}-{assessment.unit.code}",
                                   issued_on=issued, issuer=assessment.unit.name_in(self.year.id),
                                   summary=f"{kind} về công tác cải cách hành chính năm {self.year.year} (số {n + 1})",
                                   created_by_id=staff, created_at=self.now)
            db.session.add(doc)
            db.session.flush()
            ids.append(doc.id)
        self.counts["evidence_document"] += len(ids)
        return ids

    def _self_entries(self):
        out = defaultdict(dict)
        ids = [a.id for a in self.assessments]
        for e in db.session.scalars(select(ScoreEntry).where(ScoreEntry.assessment_id.in_(ids),
                                                             ScoreEntry.stage == "self")):
            out[e.assessment_id][e.criterion_id] = e
        return out

    def review_1(self):
        own = self._self_entries()
        entries, comments, reviews = [], [], []
        self.contested = defaultdict(list)
        for a in self.assessments:
            fields = set()
            for crit in self.leaves(a.criteria_set_id):
                mine = own[a.id].get(crit.id)
                if mine is None:
                    continue
                field = field_of(crit.kind, crit.field_code)
                fields.add(field)
                member = self.appraiser(a, field)
                if mine.not_applicable:
                    form = {"not_applicable": "1", "na_reason": mine.na_reason or "Xác nhận không áp dụng."}
                elif self.rng.random() < 0.18 and crit.kind == "item":
                    form = self._form(crit, self.quality[a.id] - 0.25)
                else:
                    form = _form_of(crit, mine)
                row = self._entry(a, crit, "round1", form, user_id=member)
                if row["points"] != mine.points or row["not_applicable"] != mine.not_applicable:
                    row["note"], row["explanation_requested"] = self.rng.choice(COUNCIL_NOTES), True
                    self.contested[a.id].append((crit, member))
                    comments.append({"assessment_id": a.id, "criterion_id": crit.id, "author_id": member,
                                     "body": row["note"], "round": 1, "visibility": "unit", "from_unit": False,
                                     "sent_at": self.now, "sent_by_id": member, "created_at": self.now})
                else:   # the member's explicit "Đồng ý với điểm tự chấm" (issue 16)
                    row["agreed"] = True
                entries.append(row)
            reviews += [{"assessment_id": a.id, "field_code": f, "round": 1, "done_at": self.now,
                         "done_by_id": self.appraiser(a, f)} for f in sorted(fields - {None})]
            a.status = "review_1_done"
        self._insert(ScoreEntry, entries)
        self._insert(Comment, comments)
        self._insert(FieldReview, reviews)

    def explanation(self):
        rows = []
        self.disagreed = defaultdict(list)
        for a in self.assessments:
            staff = self.users[a.unit_id].get("unit_staff")
            for crit, member in self.contested.get(a.id, []):
                stance = "disagree" if self.rng.random() < 0.6 else "agree"
                rows.append({"assessment_id": a.id, "criterion_id": crit.id, "stance": stance,
                             "text": self.rng.choice(EXPLANATIONS) if stance == "disagree" else "",
                             "version": 1, "updated_by_id": staff, "updated_at": self.now})
                if stance == "disagree":
                    self.disagreed[a.id].append((crit, member))
            a.status, a.explanation_submitted_at = "explanation_submitted", self.now
            a.explanation_submitted_by_id = self.users[a.unit_id].get("unit_leader")
        self._insert(Explanation, rows)

    def review_2(self):
        own = self._self_entries()
        entries, reviews = [], []
        for a in self.assessments:
            for crit, member in self.disagreed.get(a.id, []):
                mine = own[a.id][crit.id]
                accept = self.rng.random() < 0.5
                form = _form_of(crit, mine) if accept else self._form(crit, self.quality[a.id] - 0.15)
                row = self._entry(a, crit, "round2", form, user_id=member)
                if row["points"] != mine.points or row["not_applicable"] != mine.not_applicable:
                    row["note"] = "Giữ nhận xét vòng 1: giải trình chưa kèm tài liệu chứng minh."
                entries.append(row)
            fields = sorted({field_of(c.kind, c.field_code) for c in self.leaves(a.criteria_set_id)} - {None})
            reviews += [{"assessment_id": a.id, "field_code": f, "round": 2, "done_at": self.now,
                         "done_by_id": self.appraiser(a, f)} for f in fields]
            a.status, a.finalized_at, a.finalized_by_id = "finalized", self.now, self.finaliser(a)
        self._insert(ScoreEntry, entries)
        self._insert(FieldReview, reviews)

    def synthesis(self):
        rows = []
        for a in self.assessments:
            for crit in self.leaves(a.criteria_set_id):
                if crit.method != "survey" or crit.max_points is None:
                    continue
                share = Decimal(str(round(min(0.99, max(0.5, self.rng.gauss(self.quality[a.id] - 0.03, 0.05))), 2)))
                rows.append({"year_id": self.year.id, "unit_id": a.unit_id, "criterion_id": crit.id,
                             "points": (crit.max_points * share).quantize(Decimal("0.01")),
                             "updated_at": self.now})
        self._insert(SurveyScore, rows)


def _form_of(crit, entry) -> dict:
    """The form that reproduces an entry's inputs (the council accepting what the unit declared)."""
    inputs = entry.inputs or {}
    if crit.method == "levels":
        return {"level": str(inputs.get("level", 0))}
    if crit.method == "yes_no":
        return {"yes": "1" if inputs.get("yes") else "0"}
    return {k: str(v) for k, v in inputs.items()}


def fill_year(year, *, phase: str, now, seed: int = 2022, admin=None) -> dict:
    """Put `year` in `phase` (one of STAGES) with the work of every earlier phase done, so the phase's own
    work is what is left to do. "synthesis" also imports survey scores and, given `admin` (an admin
    account), computes the results: the year is then ready for approval. Returns the row counts written."""
    if phase not in STAGES:
        raise ValueError(f"phase must be one of {STAGES}")
    filler = Filler(year, now=now, seed=seed)
    done = STAGES[:STAGES.index(phase) + (1 if phase == "synthesis" else 0)]
    for stage in done:
        getattr(filler, stage)()
        db.session.flush()
    year.phase = phase
    db.session.flush()
    record("demo_fill", "assessment_year", year.id, year_id=year.id, new={"phase": phase, **filler.counts})
    if phase == "synthesis" and admin is not None:
        compute_results(year, user=admin, now=now)
    return dict(filler.counts)
