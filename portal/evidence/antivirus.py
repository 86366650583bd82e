"""Quét virus bằng ClamAV — an optional scan of every upload by a ClamAV daemon (clamd), before it is stored.

Pure (standard library only). Speaks clamd's ``INSTREAM`` command over a Unix socket (``CLAMD_SOCKET``)
or TCP (``CLAMD_HOST`` + ``CLAMD_PORT``): the file goes in chunks, each prefixed by its length, and the
daemon answers ``stream: OK`` or ``stream: <signature> FOUND``. :func:`scan` returns None for a clean
file and the signature name for an infected one; :class:`ScanUnavailable` means no verdict (daemon down,
time-out, size limit of the daemon): the caller refuses the upload — fail closed.
"""
from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024


class ScanUnavailable(RuntimeError):
    """clamd gave no verdict."""


@dataclass(frozen=True)
class Daemon:
    """Where clamd listens: a Unix socket path, or a host and port."""

    socket_path: str | None = None
    host: str | None = None
    port: int = 3310
    timeout: float = 30.0

    @classmethod
    def from_settings(cls, get) -> Daemon | None:
        """From a settings lookup (``get(name)``): None when neither CLAMD_SOCKET nor CLAMD_HOST is set."""
        path, host = get("CLAMD_SOCKET"), get("CLAMD_HOST")
        if not path and not host:
            return None
        return cls(socket_path=path or None, host=host or None, port=int(get("CLAMD_PORT") or 3310),
                   timeout=float(get("CLAMD_TIMEOUT") or 30))

    def connect(self) -> socket.socket:
        if self.socket_path:
            conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            conn.settimeout(self.timeout)
            conn.connect(self.socket_path)
            return conn
        return socket.create_connection((self.host, self.port), timeout=self.timeout)


def scan(daemon: Daemon, path: str) -> str | None:
    """The signature clamd finds in the file at ``path``, or None when it is clean."""
    try:
        with daemon.connect() as conn, open(path, "rb") as fh:
            conn.sendall(b"zINSTREAM\0")
            while chunk := fh.read(CHUNK):
                conn.sendall(struct.pack(">I", len(chunk)) + chunk)
            conn.sendall(struct.pack(">I", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                part = conn.recv(4096)
                if not part:
                    break
                reply += part
    except OSError as err:
        raise ScanUnavailable(str(err)) from None
    return verdict(reply.rstrip(b"\0").decode("utf-8", "replace"))


def verdict(reply: str) -> str | None:
    """clamd's reply to INSTREAM: ``stream: OK`` → None; ``stream: NAME FOUND`` → NAME; else no verdict."""
    if reply == "stream: OK":
        return None
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        return reply[len("stream: "):-len(" FOUND")]
    raise ScanUnavailable(reply or "no reply")
