"""Wake-ups across processes for the SQLite queue: a real listener socket in this process, real
announcements from another process."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pmsgate.worker.wakeup import SUPPORTED, WakeAnnouncer, WakeListener

pytestmark = pytest.mark.skipif(not SUPPORTED, reason="abstract sockets are Linux's")

NAMES = frozenset({"pmsgate-writes", "pmsgate-sync"})


def _announce_from_another_process(directory: Path, name: str) -> None:
    code = (
        "import sys; from pathlib import Path; from pmsgate.worker.wakeup import WakeAnnouncer; "
        "WakeAnnouncer(Path(sys.argv[1])).announce(sys.argv[2])"
    )
    subprocess.run([sys.executable, "-c", code, str(directory), name], check=True, timeout=60)


def test_an_enqueue_in_another_process_wakes_this_one(tmp_path: Path) -> None:
    woken: queue.Queue[str] = queue.Queue()
    listener = WakeListener(tmp_path / "wake", woken.put, NAMES)
    try:
        _announce_from_another_process(tmp_path / "wake", "pmsgate-writes")
        assert woken.get(timeout=10) == "pmsgate-writes"
        _announce_from_another_process(tmp_path / "wake", "something-else")  # not a lane: ignored
        _announce_from_another_process(tmp_path / "wake", "pmsgate-sync")
        assert woken.get(timeout=10) == "pmsgate-sync"
        assert woken.empty()
    finally:
        listener.stop()
    assert not (tmp_path / "wake" / str(os.getpid())).exists(), "a stopped listener withdraws"


def test_own_process_and_departed_listeners_are_skipped(tmp_path: Path) -> None:
    directory = tmp_path / "wake"
    woken: queue.Queue[str] = queue.Queue()
    listener = WakeListener(directory, woken.put, NAMES)
    departed = directory / "999999999"  # a pid that no process has: its listener is gone
    departed.touch()
    try:
        started = time.monotonic()
        WakeAnnouncer(directory).announce("pmsgate-writes")
        assert time.monotonic() - started < 1, "an announcement never waits"
        assert not departed.exists(), "a listener that is gone is forgotten"
        with pytest.raises(queue.Empty):
            woken.get(timeout=0.3)  # this process's consumers are woken directly, not by datagram
    finally:
        listener.stop()


def test_no_listener_yet_is_not_an_error(tmp_path: Path) -> None:
    WakeAnnouncer(tmp_path / "absent").announce("pmsgate-writes")
