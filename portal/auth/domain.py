"""Accounts: roles, the password policy and the login throttle. Pure rules, no Flask."""
from datetime import datetime, timedelta

from portal.policy.roles import UNIT_ROLES

PASSWORD_MIN = 8
PASSWORD_MAX = 64
# The most common passwords (and their Vietnamese favourites) are refused outright (security.md §1.1).
COMMON_PASSWORDS = frozenset(
    """
    12345678 123456789 1234567890 password password1 password123 qwerty123 qwertyuiop 11111111 00000000
    abc12345 abcd1234 iloveyou 1q2w3e4r 1qaz2wsx admin123 admin@123 matkhau matkhau123 matkhau@123
    123456a@ 123456aa anhyeuem 88888888 66666666 12341234 87654321 vietnam1 vietnam123 changeme
    welcome1 letmein1 sunshine 123qweasd zaq12wsx p@ssw0rd passw0rd
    """.split()
)


def role_needs_unit(role: str) -> bool:
    """Unit staff and leaders belong to a unit; council members to their own agency (also a unit)."""
    return role in UNIT_ROLES


def password_problems(password: str, *, username: str = "", full_name: str = "") -> list[str]:
    """Codes of what is wrong with a new password: too_short, too_long, common, like_username."""
    problems = []
    if len(password) < PASSWORD_MIN:
        problems.append("too_short")
    if len(password) > PASSWORD_MAX:
        problems.append("too_long")
    lowered = password.casefold()
    if lowered in COMMON_PASSWORDS:
        problems.append("common")
    if username and lowered in {username.casefold(), username.casefold() + "123"}:
        problems.append("like_username")
    return problems


def throttle_delay(failed_logins: int, *, after: int, base_seconds: int, max_seconds: int) -> int:
    """Seconds an account must wait after `failed_logins` consecutive wrong passwords.

    No wait below `after` failures; then base, doubling with each further failure, capped at max."""
    if failed_logins < after:
        return 0
    return min(max_seconds, base_seconds * 2 ** (failed_logins - after))


def throttle_keys(username: str, address: str | None) -> tuple[str, str]:
    """The two counters a sign-in attempt touches: the typed account name from this network address, and the
    address across every account (password spraying). Keyed by the typed name, so an unknown name behaves
    exactly like a real one, and failures at another address never slow the real user down."""
    where = (address or "unknown")[:64]
    return f"account:{username.strip().lower()[:64]}@{where}", f"address:{where}"


def current_failures(failures: int, last_failure_at: datetime | None, *, now: datetime,
                     window: timedelta) -> int:
    """Failures still counted: a counter whose last failure is older than ``window`` starts again."""
    if last_failure_at is None or now - last_failure_at > window:
        return 0
    return failures


def worth_telling(failures: int, *, after: int) -> bool:
    """Tell the user and the admins at `after` consecutive failures, then at 2×, 4×, 8× … (never a flood)."""
    if after <= 0 or failures < after or failures % after:
        return False
    times = failures // after
    return times & (times - 1) == 0


def login_refusal(*, active: bool, throttled_until: datetime | None, now: datetime) -> str | None:
    """Why a login attempt is refused before the password is even checked, or None."""
    if not active:
        return "inactive"
    if throttled_until is not None and now < throttled_until:
        return "throttled"
    return None


def session_expired(*, created_at: datetime, last_seen_at: datetime, now: datetime,
                    idle: timedelta, absolute: timedelta) -> str | None:
    """'idle' or 'absolute' when a login session has run out, else None."""
    if now - created_at > absolute:
        return "absolute"
    if now - last_seen_at > idle:
        return "idle"
    return None


def needs_second_factor(*, role: str, enrolled: bool, required: bool, required_roles) -> str | None:
    """What a correct password leads to: 'code' (enrolled: ask the code), 'enrol' (the setting requires
    two-factor sign-in for this role and it is not set up yet), or None (the password is enough)."""
    if enrolled:
        return "code"
    if required and role in required_roles:
        return "enrol"
    return None


def may_drop_second_factor(*, role: str, required: bool, required_roles) -> bool:
    """A user may switch two-factor sign-in off only where the setting does not require it."""
    return not (required and role in required_roles)

