"""The API processes of one machine share the per-customer count through a memory-mapped file
(`pmsgate serve --processes N` without Redis): no request is lost or counted twice across
processes, windows roll over, and a full table or an unusable file limits in-process instead
of failing requests."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from pmsgate.customers import ratelimit
from pmsgate.customers.ratelimit import WINDOW_SECONDS, SharedFileRateLimiter


def _hits(path: str, key: str, n: int, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    limiter = SharedFileRateLimiter(Path(path))
    out.put([10_000 - limiter.hit(key, 10_000).remaining for _ in range(n)])


def test_two_processes_count_every_request_once(tmp_path: Path) -> None:
    path = str(tmp_path / "ratelimits.bin")
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    workers = [context.Process(target=_hits, args=(path, "cus_shared", 400, out)) for _ in range(2)]
    for worker in workers:
        worker.start()
    seen = [count for _ in workers for count in out.get(timeout=60)]
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sorted(seen) == list(range(1, 801))  # each count handed out exactly once
    assert SharedFileRateLimiter(Path(path)).peek("cus_shared", 10).remaining == 10 - 800


def test_keys_and_windows_are_counted_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [1_000 * WINDOW_SECONDS + 5.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    limiter = SharedFileRateLimiter(tmp_path / "ratelimits.bin", slots=8)
    assert [limiter.hit("a", 3).remaining for _ in range(4)] == [2, 1, 0, -1]
    assert limiter.hit("a", 3).exceeded
    assert limiter.hit("b", 3).remaining == 2
    assert limiter.peek("a", 3).remaining == -2  # peeking counts nothing
    assert limiter.peek("c", 3).remaining == 3
    clock[0] += WINDOW_SECONDS  # the next minute starts from zero, in the same slots
    assert limiter.hit("a", 3).remaining == 2
    assert limiter.peek("b", 3).remaining == 3


def test_a_full_table_limits_the_extra_keys_in_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    limiter = SharedFileRateLimiter(tmp_path / "ratelimits.bin", slots=4)
    for key in "abcd":
        assert limiter.hit(key, 10).remaining == 9
    assert limiter.hit("e", 10).remaining == 9  # counted by this process alone
    assert limiter.hit("e", 10).remaining == 8
    assert "no free slot" in caplog.text
    assert limiter.hit("a", 10).remaining == 8  # the shared keys go on


def test_an_unusable_file_limits_in_process(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "ratelimits.bin"
    path.mkdir()  # a directory where the file should be
    limiter = SharedFileRateLimiter(path)
    assert [limiter.hit("a", 2).remaining for _ in range(3)] == [1, 0, -1]
    assert "unavailable" in caplog.text
