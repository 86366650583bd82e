"""Flask commands: seed-demo, create-admin, set-password, notify-deadlines, send-digest, and the operations
commands: check (invariants), audit-verify, backup, restore, sweep-uploads."""
import getpass

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from portal.auth.domain import password_problems
from portal.auth.models import User
from portal.auth.services import hash_password, temporary_password
from portal.db import utcnow
from portal.extensions import db
from portal.text import fold_key



def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has accounts.")
    @click.option("--phase", type=click.Choice(["self_assessment", "review_1", "explanation", "review_2",
                                                "synthesis"]),
                  help="Put the demo year in this phase with the work of every earlier phase done "
                       "(synthesis: also survey scores and computed results, ready for approval).")
    @click.option("--year", "year", type=click.Choice(["2022", "2025"]), default=None,
                  help="2025 (default): the published 2022 history and 2025 in --phase; 2022: only the year "
                       "2022, in --phase.")
    def seed_demo_command(if_empty: bool, phase: str | None, year: str | None):
        """Create the demo: An Giang's 2022 (published) and the new An Giang's 2025, or only 2022."""
        if current_app.config.get("ENV_NAME") == "production":
            # Demo accounts share a published password (security.md §1.5): never on a real server.
            raise click.ClickException("seed-demo is refused when PORTAL_ENV=production: demo accounts share a "
                                       "published password. Create real accounts with create-admin instead.")
        if if_empty and db.session.scalar(select(func.count()).select_from(User)):
            click.echo("The database already has data; the demo year was not seeded.")
            return
        from portal.seed_2025 import seed_demo_years
        logins = seed_demo_years(now=utcnow(), phase=phase, year=int(year) if year else None)
        db.session.commit()
        click.echo("Demo year %s created%s. Demo logins (password for all: %s):"
                   % ("2022" if year == "2022" else "2025 (with 2022 published)",
                      f", standing in phase {phase}" if phase else "", logins["password"]))
        for username, label in logins["accounts"]:
            click.echo(f"  {username:<18} {label}")

    @app.cli.command("create-year")
    @click.argument("year", type=click.IntRange(2000, 2100))
    @click.option("--from", "source_year", type=int, help="Copy types, criteria, units, council and settings "
                                                           "from this earlier year.")
    @click.option("--title", default="", help="Title (default: Chỉ số cải cách hành chính năm YEAR).")
    @click.option("--as", "username", default=None, help="Admin account recorded in the audit log "
                                                         "(default: the first active admin).")
    def create_year(year: int, source_year: int | None, title: str, username: str | None):
        """Open assessment year YEAR in setup, blank or copied from --from (refuses an existing year)."""
        from portal.policy.refusals import Refused
        from portal.years.models import AssessmentYear
        from portal.setup.opening import open_year
        admin = db.session.scalar(select(User).where(User.role == "admin", User.active.is_(True),
                                                     *([User.username == username] if username else []))
                                  .order_by(User.id).limit(1))
        if admin is None:
            raise click.ClickException("no active admin account: create one with flask create-admin")
        source = None
        if source_year is not None:
            source = db.session.scalar(select(AssessmentYear).where(AssessmentYear.year == source_year))
            if source is None:
                raise click.ClickException(f"year {source_year} does not exist")
        if db.session.scalar(select(AssessmentYear.id).where(AssessmentYear.year == year)) is not None:
            raise click.ClickException(f"year {year} already exists")
        try:
            with current_app.test_request_context():  # messages of a refusal are translated
                opened = open_year(year, title, source=source, user=admin, now=utcnow())
        except Refused as refusal:
            raise click.ClickException(f"refused: {refusal.message}") from None
        db.session.commit()
        click.echo(f"Year {year} opened in setup ({opened.year.title}).")
        if source is not None:
            labels = {"types": "unit types", "sets": "criteria sets", "units": "units (assessment files)",
                      "council": "council assignments", "reassignments": "council reassignments",
                      "windows": "phase windows (proposed one year later)"}
            click.echo(f"Copied from {source.year}:")
            for key, label in labels.items():
                click.echo(f"  {opened.copied.get(key, 0):>4} {label}")
            click.echo("  result settings and report settings")

    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--full-name", default="Quản trị hệ thống")
    def create_admin(username: str, full_name: str):
        """Create an admin account with a one-time password (to be changed at first login)."""
        username = username.strip().lower()
        if db.session.scalar(select(User).where(User.username == username)):
            raise click.ClickException(f"user {username} already exists")
        password = temporary_password()
        db.session.add(User(username=username, full_name=full_name, name_key=fold_key(full_name), role="admin",
                            password_hash=hash_password(password), must_change_password=True))
        db.session.commit()
        click.echo(f"Admin {username} created. One-time password: {password}")
        click.echo("It must be changed at the first login.")

    @app.cli.command("set-password")
    @click.argument("username")
    def set_password(username: str):
        """Set a user's password from the terminal (asked twice, never echoed)."""
        user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user {username}")
        first = getpass.getpass("New password: ")
        if first != getpass.getpass("Again: "):
            raise click.ClickException("the two passwords differ")
        problems = password_problems(first, username=user.username)
        if problems:
            raise click.ClickException("refused: " + ", ".join(problems))
        user.password_hash = hash_password(first)
        user.must_change_password = False
        db.session.commit()
        click.echo("Password set.")


    @app.cli.command("notify-deadlines")
    def notify_deadlines_command():
        """Notify when the current phase opens and when it closes within 24 hours (idempotent; run hourly)."""
        from portal.years.notices import notify_deadlines
        from portal.years.services import active_year
        created = notify_deadlines(active_year(), now=utcnow())
        db.session.commit()
        click.echo(f"{created} notification(s) created.")

    @app.cli.command("send-digest")
    def send_digest_command():
        """Mail each daily-digest user one summary of the notifications not mailed yet (run once a day)."""
        from portal.notifications.mail import mail_enabled
        from portal.notifications.services import send_digest
        if not mail_enabled():
            click.echo("SMTP_HOST is not set: no mail sent.")
            return
        mails, items = send_digest(now=utcnow())
        click.echo(f"{mails} digest mail(s) sent with {items} notification(s).")

    register_operations(app)


def register_operations(app: Flask) -> None:
    """check, audit-verify, backup, restore, sweep-uploads: exit status 1 whenever something is wrong."""

    @app.cli.command("check")
    def check_command():
        """Check the invariants of the data: scores within range, results consistent, every file's blob
        present with its sha256, links inside their unit, no change after finalisation, audit chain."""
        from portal.audit.invariants import check_all
        results = check_all()
        total = sum(len(v) for v in results.values())
        for name, violations in results.items():
            click.echo(f"{name:<9} {'ok' if not violations else str(len(violations)) + ' violation(s)'}")
            for line in violations:
                click.echo(f"    {line}")
        if total:
            raise click.ClickException(f"{total} invariant violation(s).")
        click.echo("All invariants hold.")

    @app.cli.command("audit-export")
    @click.argument("path", type=click.Path(dir_okay=False))
    def audit_export_command(path: str):
        """Append the hashes of new audit rows to PATH (JSON lines): ship that file to another store."""
        from portal.audit.services import export_hashes
        click.echo(f"{export_hashes(path)} audit row hash(es) appended to {path}.")

    @app.cli.command("audit-verify")
    @click.option("--against", type=click.Path(exists=True, dir_okay=False),
                  help="a copy made by audit-export: also catches a chain rewritten from end to end")
    def audit_verify_command(against: str | None):
        """Recompute the hash chain of the audit log and name every row altered after it was written."""
        from portal.audit.models import AuditLog
        from portal.audit.services import chain_problems, compare_with_copy
        rows = db.session.scalar(select(func.count()).select_from(AuditLog))
        problems = chain_problems()
        if against:
            known = {row_id for row_id, _why in problems}
            problems += [(row_id, why) for row_id, why in compare_with_copy(against) if row_id not in known]
        if not problems:
            click.echo(f"Audit log intact: {rows} row(s), hash chain verified.")
            return
        texts = {"content": "its content was changed", "link": "the row before it is missing or was replaced",
                 "changed": "it differs from the shipped copy", "missing": "it is gone (it is in the shipped copy)"}
        for row_id, why in problems:
            row = db.session.get(AuditLog, row_id)
            where = f"{row.action}, {row.at.isoformat()}" if row is not None else "deleted"
            click.echo(f"audit row {row_id} ({where}): {texts[why]}")
        raise click.ClickException(f"{len(problems)} of {rows} audit row(s) altered after writing.")

    @app.cli.command("backup")
    @click.argument("destination", type=click.Path(file_okay=False))
    def backup_command(destination: str):
        """Online backup of the database and the evidence files into a new folder under DESTINATION."""
        from portal.backup import BackupError, make_backup, read_manifest
        try:
            folder = make_backup(destination)
            manifest = read_manifest(folder)
        except BackupError as err:
            raise click.ClickException(str(err)) from None
        click.echo(f"Backup written to {folder}: {manifest['database']} database, {manifest['blobs']} file(s), "
                   f"{manifest['blob_bytes']} bytes of evidence.")
        if manifest["missing_blobs"]:
            raise click.ClickException(f"{len(manifest['missing_blobs'])} file(s) the database refers to are missing "
                                       "from the store; run `flask check`.")

    @app.cli.command("restore")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False))
    @click.option("--yes", is_flag=True, help="Confirm: the current database is replaced by the backup.")
    def restore_command(folder: str, yes: bool):
        """Restore a backup folder (stop the portal first), then check integrity and invariants."""
        from portal.backup import BackupError, restore_backup
        if not yes:
            raise click.ClickException("Restoring replaces the current database. Stop the portal, then run again "
                                       "with --yes.")
        try:
            report = restore_backup(folder)
        except BackupError as err:
            raise click.ClickException(str(err)) from None
        violations = {k: v for k, v in report["violations"].items() if v}
        click.echo(f"Restored {folder} (made {report['manifest']['created_at']}). Integrity: {report['integrity']}.")
        for name, lines in violations.items():
            click.echo(f"{name}: " + "; ".join(lines[:5]))
        if report["integrity"] != "ok" or violations:
            raise click.ClickException("The restored data fails its checks (see above).")
        click.echo("All invariants hold; no file reference is dangling.")

    @app.cli.command("sweep-uploads")
    def sweep_uploads_command():
        """Remove temp files and stored files no row refers to, once they are more than an hour old."""
        from portal.evidence.storage import sweep_orphans
        removed = sweep_orphans(utcnow())
        click.echo(f"Removed {removed['temp']} temp file(s) and {removed['blobs']} orphan file(s).")
