"""The access matrix of every route (security.md §3.2, §3.5): who may reach it (the guard its decorator
declares) and what kind of object it acts on (which object-level rule must hold inside the view).

Scopes:
  public   open to anyone (login, the published results, static files, the language switch);
  self     the logged-in account's own things (password, two-factor, inbox, home);
  unit     one unit's file: assessment, items, comments, evidence, the unit's results — a unit sees only its
           own, a council member only assigned fields of units other than its agency;
  year     the year as a whole (boards, rankings, survey, phase), guarded by role;
  admin    the secretariat's set-up screens (units, accounts, criteria, year).

A route missing here fails ``test_every_route_is_in_the_matrix``: add it with its guard and scope (and, if
it takes a new kind of id, teach ``security_world.arg_values`` that id).
"""
ADMIN = frozenset({"admin"})
CHAIR = frozenset({"admin", "council_chair"})
COUNCIL = frozenset({"admin", "council_chair", "council_member"})
UNIT = frozenset({"unit_staff", "unit_leader"})
AUTH = "authenticated"
PUBLIC = "public"

MATRIX = {
    # accounts
    "auth.login": (PUBLIC, "public"),
    "auth.two_factor": (PUBLIC, "public"),
    "auth.logout": (AUTH, "self"),
    "auth.change_password": (AUTH, "self"),
    "auth.account_two_factor": (AUTH, "self"),
    "auth.disable_two_factor": (AUTH, "self"),
    "auth.start_two_factor": (AUTH, "self"),
    "auth.reset_two_factor": (ADMIN, "admin"),
    "home.index": (AUTH, "self"),
    "home.set_language": (PUBLIC, "public"),
    "home.switch_year": (AUTH, "self"),
    "static": (None, "public"),
    "notifications.inbox": (AUTH, "self"),
    "notifications.read": (AUTH, "self"),
    "notifications.read_all": (AUTH, "self"),
    "notifications.settings": (AUTH, "self"),
    # the unit's file
    "assessments.mine": (AUTH, "self"),
    "assessments.workspace": (AUTH, "unit"),
    "assessments.item": (AUTH, "unit"),
    "assessments.item_history": (AUTH, "unit"),
    "assessments.submit": (AUTH, "unit"),
    "assessments.attach_evidence": (AUTH, "unit"),
    "assessments.evidence_picker": (AUTH, "unit"),
    "assessments.detach_evidence": (AUTH, "unit"),
    "assessments.explain": (AUTH, "unit"),
    "assessments.explain_item": (AUTH, "unit"),
    "assessments.explain_submit": (AUTH, "unit"),
    "assessments.xlsx_template": (AUTH, "unit"),
    "assessments.xlsx_import": (AUTH, "unit"),
    "assessments.xlsx_confirm": (AUTH, "unit"),
    "comments.thread": (AUTH, "unit"),
    "comments.add": (AUTH, "unit"),
    "comments.reply": (AUTH, "unit"),
    "comments.preview": (AUTH, "unit"),
    "comments.send": (AUTH, "unit"),
    "comments.resolve": (AUTH, "unit"),
    "comments.reopen": (AUTH, "unit"),
    "evidence.library": (AUTH, "self"),
    "evidence.unit_library": (AUTH, "unit"),
    "evidence.create": (AUTH, "unit"),
    "evidence.document": (AUTH, "unit"),
    "evidence.edit": (AUTH, "unit"),
    "evidence.delete": (AUTH, "unit"),
    "evidence.upload": (AUTH, "unit"),
    "evidence.download": (AUTH, "unit"),
    "evidence.view": (AUTH, "unit"),
    "evidence.replace": (AUTH, "unit"),
    "evidence.remove": (AUTH, "unit"),
    # appraisal (council)
    "appraisal.council_board": (COUNCIL, "year"),
    "appraisal.field_page": (COUNCIL, "unit"),
    "appraisal.item": (COUNCIL, "unit"),
    "appraisal.mark_done": (COUNCIL, "unit"),
    "appraisal.accept_rest": (COUNCIL, "unit"),
    "appraisal.close_first_round": (CHAIR, "unit"),
    "appraisal.finalize_unit": (CHAIR, "unit"),
    "appraisal.history_export": (COUNCIL, "unit"),
    "appraisal.assignments": (ADMIN, "year"),
    "appraisal.save_assignments": (ADMIN, "year"),
    "appraisal.reassign_field": (ADMIN, "year"),
    "appraisal.remove_reassign": (ADMIN, "year"),
    # results
    "results.index": (COUNCIL, "year"),
    "results.overview": (COUNCIL, "year"),
    "results.heatmap": (COUNCIL, "year"),
    "results.unit_detail": (COUNCIL, "unit"),
    "results.mine": (UNIT, "self"),
    "results.compute": (COUNCIL, "year"),
    "results.approve_results": (CHAIR, "year"),
    "results.publish_results": (ADMIN, "year"),
    "results.correction_open": (ADMIN, "year"),
    "results.correction_recompute": (ADMIN, "year"),
    "results.correction_approve": (ADMIN, "year"),
    "results.settings": (ADMIN, "year"),
    "results.survey": (ADMIN, "year"),
    "results.survey_template": (ADMIN, "year"),
    "results.survey_preview": (ADMIN, "year"),
    "results.survey_confirm": (ADMIN, "year"),
    "results.survey_unit": (ADMIN, "unit"),
    "public.index": (PUBLIC, "public"),
    "public.year_page": (PUBLIC, "public"),
    "public.unit_page": (PUBLIC, "public"),
    # the user guide (demo screenshots only)
    "guide.index": (PUBLIC, "public"),
    "guide.role_page": (PUBLIC, "public"),
    # reports
    "reports.index": (COUNCIL, "year"),
    "reports.year_page": (COUNCIL, "year"),
    "reports.annex_pdf": (COUNCIL, "year"),
    "reports.council_pdf": (COUNCIL, "year"),
    "reports.synthesis_pdf": (COUNCIL, "year"),
    "reports.rankings_xlsx": (COUNCIL, "year"),
    "reports.scores_xlsx": (COUNCIL, "year"),
    "reports.report_settings": (ADMIN, "year"),
    "reports.start_export": (ADMIN, "year"),
    "reports.export_job": (ADMIN, "year"),
    "reports.export_download": (ADMIN, "year"),
    "reports.unit_self": (COUNCIL | UNIT, "unit"),
    "reports.unit_appraisal": (COUNCIL | UNIT, "unit"),
    "reports.unit_signer": (frozenset({"admin", "unit_leader"}), "unit"),
    # set-up (admin)
    "units.list_units": (ADMIN, "admin"),
    "units.create": (ADMIN, "admin"),
    "units.edit": (ADMIN, "admin"),
    "units.row": (ADMIN, "admin"),
    "units.toggle_active": (ADMIN, "admin"),
    "setup.open_new_year": (ADMIN, "admin"),
    "setup.unit_types": (ADMIN, "admin"),
    "setup.edit_unit_type": (ADMIN, "admin"),
    "setup.move_unit_type": (ADMIN, "admin"),
    "setup.delete_unit_type": (ADMIN, "admin"),
    "setup.roster": (ADMIN, "admin"),
    "setup.roster_remove": (ADMIN, "admin"),
    "setup.lineage": (ADMIN, "admin"),
    "setup.lineage_remove": (ADMIN, "admin"),
    "users.list_users": (ADMIN, "admin"),
    "users.create": (ADMIN, "admin"),
    "users.edit": (ADMIN, "admin"),
    "users.row": (ADMIN, "admin"),
    "users.toggle_active": (ADMIN, "admin"),
    "users.reset": (ADMIN, "admin"),
    "users.kill_sessions": (ADMIN, "admin"),
    "criteria.index": (ADMIN, "admin"),
    "criteria.editor": (ADMIN, "admin"),
    "criteria.add": (ADMIN, "admin"),
    "criteria.item": (ADMIN, "admin"),
    "criteria.edit_item": (ADMIN, "admin"),
    "criteria.move": (ADMIN, "admin"),
    "criteria.delete": (ADMIN, "admin"),
    "criteria.edit_meta": (ADMIN, "admin"),
    "criteria.view_meta": (ADMIN, "admin"),
    "criteria.lock": (ADMIN, "admin"),
    "criteria.unlock": (ADMIN, "admin"),
    "criteria.copy_previous": (ADMIN, "admin"),
    "criteria.export": (ADMIN, "admin"),
    "criteria.import_upload": (ADMIN, "admin"),
    "criteria.import_confirm": (ADMIN, "admin"),
    "years.year_page": (ADMIN, "admin"),
    "years.year_detail": (ADMIN, "admin"),
    "years.move_phase": (ADMIN, "year"),
    "years.save_phase_windows": (ADMIN, "year"),
    "years.extend_unit": (ADMIN, "unit"),
    "years.reopen": (ADMIN, "unit"),
    "years.remind": (ADMIN, "year"),
    "years.progress": (ADMIN, "year"),
    "years.year_progress": (ADMIN, "year"),
    "years.progress_xlsx": (ADMIN, "year"),
}

# URL arguments that name an object belonging to one unit (or one of its accounts).
UNIT_OWNED_ARGS = frozenset({"assessment_id", "comment_id", "document_id", "file_id", "unit_id",
                             "notification_id", "job_id", "report_id", "result_id", "explanation_id",
                             "entry_id"})


def guard_of(view) -> object:
    """The guard a view's decorator declared, in the matrix's notation."""
    permission = getattr(view, "permission", None)
    if isinstance(permission, tuple) and permission[0] == "roles":
        return frozenset(permission[1])
    return permission
