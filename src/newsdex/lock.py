"""The newsdex write lock: at most one writing process per index folder.

    DIR/write.lock   held with fcntl.flock by the writer; its pid and host written inside

The kernel drops a flock when its holder dies, even by SIGKILL, so a lock file left by a
dead process never blocks anyone: the next writer finds the old pid inside, logs that it
takes the lock over, and writes its own. A clean release empties the file. A second
writer gets `IndexLockedError` naming the holder. Readers never take the lock. The
engines' own locks stay behind this one as a second line of defence.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from newsdex.errors import IndexLockedError

log = logging.getLogger(__name__)

LOCK_FILE = "write.lock"
_READ_TRIES = 20
_READ_PAUSE = 0.01


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a lock, as written in the lock file."""

    pid: int | None
    host: str

    def __str__(self) -> str:
        pid = str(self.pid) if self.pid is not None else "unknown"
        return f"process {pid} on {self.host or 'an unknown host'}"


class WriteLock:
    """The write lock of one index folder; re-entrant within the object that holds it."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock or raise IndexLockedError naming the process that has it."""
        if self._fd is not None:
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _holder(fd, wait=True)
            os.close(fd)
            raise IndexLockedError(
                f"{self.path.parent} is being written by {holder} (lock file {self.path})"
            ) from exc
        previous = _holder(fd, wait=False)
        if previous.pid is not None:
            log.warning("taking over the write lock of %s: %s is gone", self.path, previous)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {socket.gethostname()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        """Empty the file (a clean release leaves no holder behind), then unlock."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def read_holder(folder: Path) -> LockHolder | None:
    """The pid and host written in a folder's lock file, or None when nobody wrote one."""
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDONLY)
    except OSError:
        return None
    try:
        holder = _holder(fd, wait=False)
    finally:
        os.close(fd)
    return holder if holder.pid is not None else None


def _holder(fd: int, *, wait: bool) -> LockHolder:
    """Parse `pid host`; with `wait`, give a holder that just took the lock time to write."""
    for _ in range(_READ_TRIES if wait else 1):
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace").split()
        if text and text[0].isdigit():
            return LockHolder(int(text[0]), text[1] if len(text) > 1 else "")
        if wait:
            time.sleep(_READ_PAUSE)
    return LockHolder(None, "")
