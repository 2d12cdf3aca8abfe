"""Wake-ups across processes for the SQLite queue.

An enqueue wakes the idle consumers of its own process at once (`lanes.wake_for`); consumers in
another process (the workers of `pmsgate serve --processes N`, whose API runs in child processes)
would find it only on their next poll, up to `queue_poll_max_seconds` later. So each process
that consumes the SQLite queue listens on a datagram socket and announces itself with a file in
`<data dir>/wake/` named by its pid; an enqueue sends the lane's queue name to every listener
but its own. A datagram is fire-and-forget: a full buffer or a listener gone costs nothing but
the poll it would have saved, so delivery is never waited for.

The sockets live in Linux's abstract namespace (no path-length limit, nothing left on disk by a
killed process); the files only say who listens. Elsewhere wake-ups stay within a process.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import sys
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED = sys.platform.startswith("linux")
_MAX_NAME = 64


def _address(directory: Path, pid: int) -> bytes:
    """The abstract socket name of `pid`'s listener for the queue files in `directory`."""
    digest = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:16]
    return f"\0pmsgate-wake-{digest}-{pid}".encode()


class WakeListener:
    """Receives queue names on this process's socket and calls `wake(name)` for each."""

    def __init__(self, directory: Path, wake: Callable[[str], None], names: frozenset[str]) -> None:
        self.directory = directory
        self._wake, self._names = wake, names
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(_address(directory, os.getpid()))
        directory.mkdir(parents=True, exist_ok=True)
        self._marker = directory / str(os.getpid())
        self._marker.touch()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="queue-wakeups", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while True:
            try:
                message = self._socket.recv(_MAX_NAME)
            except OSError:
                return  # closed
            if self._stopping.is_set():
                return
            name = message.decode("ascii", "replace")
            if name in self._names:  # anything else on the socket is not ours to act on
                self._wake(name)

    def stop(self, timeout: float = 1.0) -> None:
        self._marker.unlink(missing_ok=True)
        self._stopping.set()
        # A datagram ends the blocked receive (closing the socket alone may not interrupt it).
        with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as poke:
            poke.sendto(b"stop", _address(self.directory, os.getpid()))
        self._thread.join(timeout)
        self._socket.close()


class WakeAnnouncer:
    """Sends a lane's queue name to every other listening process of the same data directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._socket: socket.socket | None = None
        self._lock = threading.Lock()

    def _sender(self) -> socket.socket:
        with self._lock:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                self._socket.setblocking(False)
            return self._socket

    def announce(self, name: str) -> None:
        try:
            listeners = [entry.name for entry in os.scandir(self.directory) if entry.name.isdigit()]
        except FileNotFoundError:
            return  # no process listens yet
        own = str(os.getpid())
        message = name.encode("ascii")
        for pid in listeners:
            if pid == own:
                continue  # this process's consumers were woken directly
            try:
                self._sender().sendto(message, _address(self.directory, int(pid)))
            except ConnectionRefusedError:  # the process is gone: forget its marker
                (self.directory / pid).unlink(missing_ok=True)
            except OSError as exc:  # a full buffer: that process is being woken already
                log.debug("queue wake-up to %s not sent: %s", pid, exc)
