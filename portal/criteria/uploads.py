"""Tệp nhập chờ xác nhận — an uploaded criteria file kept on the server between preview and "Xác nhận nhập".

The browser only ever holds a random token: the content it confirms is the content the server checked.
Files live in <instance>/imports/<token> with a small JSON beside them (who uploaded it, for which year
and unit type, when) and expire after an hour. A token is checked against a strict pattern before it
is used in a path.
"""
import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

LIFETIME = timedelta(hours=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


@dataclass(frozen=True)
class PendingImport:
    token: str
    data: bytes
    filename: str
    unit_type: str
    year_id: int
    user_id: int
    created_at: datetime


def _folder(instance_path: str) -> str:
    path = os.path.join(instance_path, "imports")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def save_upload(instance_path: str, data: bytes, *, filename: str, unit_type: str, year_id: int,
                user_id: int, now: datetime) -> str:
    """Keep the file and return its token; expired files of earlier uploads are removed on the way."""
    folder = _folder(instance_path)
    purge_expired(instance_path, now=now)
    token = secrets.token_urlsafe(32)
    with open(os.path.join(folder, token), "wb") as fh:
        fh.write(data)
    meta = {"filename": filename, "unit_type": unit_type, "year_id": year_id, "user_id": user_id,
            "created_at": now.isoformat()}
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as fh:
        json.dump(meta, fh, ensure_ascii=False)
    return token


def load_upload(instance_path: str, token: str, *, now: datetime) -> PendingImport | None:
    """The pending import of this token, or None (unknown, malformed or expired: expired files go)."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    folder = _folder(instance_path)
    try:
        with open(os.path.join(folder, token + ".json"), encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(os.path.join(folder, token), "rb") as fh:
            data = fh.read()
    except (OSError, ValueError):
        return None
    created = datetime.fromisoformat(meta["created_at"])
    if now - created > LIFETIME:
        discard_upload(instance_path, token)
        return None
    return PendingImport(token, data, meta["filename"], meta["unit_type"], meta["year_id"], meta["user_id"],
                         created)


def discard_upload(instance_path: str, token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for name in (token, token + ".json"):
        try:
            os.remove(os.path.join(_folder(instance_path), name))
        except OSError:
            pass


def purge_expired(instance_path: str, *, now: datetime) -> None:
    folder = _folder(instance_path)
    for name in os.listdir(folder):
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                created = datetime.fromisoformat(json.load(fh)["created_at"])
        except (OSError, ValueError, KeyError):
            created = None
        if created is None or now - created > LIFETIME:
            discard_upload(instance_path, name[:-len(".json")])
