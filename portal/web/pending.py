"""Tệp chờ xác nhận — an uploaded file kept on the server between its preview and "Xác nhận".

The browser only ever holds a random token: what it confirms is exactly what the server checked. Files live
in <instance>/imports/<token> with a JSON of metadata beside them (who, for what, when) and expire after an
hour. A token is checked against a strict pattern before it is used in a path, and the metadata must match
what the confirming request expects (same user, same purpose), so a token cannot be replayed elsewhere."""
import json
import os
import re
import secrets
from datetime import datetime, timedelta

LIFETIME = timedelta(hours=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


def _folder(instance_path: str) -> str:
    path = os.path.join(instance_path, "imports")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def keep(instance_path: str, data: bytes, *, meta: dict, now: datetime) -> str:
    """Store the upload and return its token; expired uploads are removed on the way."""
    folder = _folder(instance_path)
    purge(instance_path, now=now)
    token = secrets.token_urlsafe(32)
    with open(os.path.join(folder, token), "wb") as fh:
        fh.write(data)
    with open(os.path.join(folder, token + ".json"), "w", encoding="utf-8") as fh:
        json.dump(meta | {"created_at": now.isoformat()}, fh, ensure_ascii=False)
    return token


def read(instance_path: str, token: str, *, now: datetime) -> tuple[bytes, dict] | None:
    """The stored bytes and metadata of `token`, or None (unknown, malformed or expired: expired files go)."""
    if not isinstance(token, str) or not _TOKEN.match(token):
        return None
    folder = _folder(instance_path)
    try:
        with open(os.path.join(folder, token + ".json"), encoding="utf-8") as fh:
            meta = json.load(fh)
        with open(os.path.join(folder, token), "rb") as fh:
            data = fh.read()
        created = datetime.fromisoformat(meta["created_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if now - created > LIFETIME:
        discard(instance_path, token)
        return None
    return data, meta


def take(instance_path: str, token: str, *, expect: dict, now: datetime, remove: bool = False) -> bytes | None:
    """The stored bytes of `token` if it exists, has not expired and its metadata matches `expect`."""
    found = read(instance_path, token, now=now)
    if found is None or any(found[1].get(k) != v for k, v in expect.items()):
        return None
    if remove:
        discard(instance_path, token)
    return found[0]


def discard(instance_path: str, token: str) -> None:
    if isinstance(token, str) and _TOKEN.match(token):
        for name in (token, token + ".json"):
            try:
                os.remove(os.path.join(_folder(instance_path), name))
            except OSError:
                pass


def purge(instance_path: str, *, now: datetime) -> None:
    folder = _folder(instance_path)
    for name in os.listdir(folder):
        if name.endswith(".json"):
            try:
                with open(os.path.join(folder, name), encoding="utf-8") as fh:
                    created = datetime.fromisoformat(json.load(fh)["created_at"])
            except (OSError, ValueError, KeyError, TypeError):
                created = None              # unreadable metadata: the pair is junk
            if created is None or now - created > LIFETIME:
                discard(instance_path, name[:-5])
