"""Flask commands: seed-demo, create-admin."""
import getpass

import click
from flask import Flask
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
    def seed_demo_command(if_empty: bool, phase: str | None):
        """Create the demo year 2022 of An Giang: units, criteria sets, council, accounts, deadlines."""
        if if_empty and db.session.scalar(select(func.count()).select_from(User)):
            click.echo("The database already has data; the demo year was not seeded.")
            return
        from portal.seed import seed_demo
        logins = seed_demo(now=utcnow(), phase=phase)
        db.session.commit()
        click.echo("Demo year 2022 created%s. Demo logins (password for all: %s):"
                   % (f", standing in phase {phase}" if phase else "", logins["password"]))
        for username, label in logins["accounts"]:
            click.echo(f"  {username:<18} {label}")

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
        created = notify_deadlines(now=utcnow())
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
