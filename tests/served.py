"""`pmsgate serve` in a process of its own, for the tests that meet the product as a user does,
and what /proc tells about its processes: which are API processes and which listen on the port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "pmsgate"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    base: str
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def api_processes(self) -> list[int]:
        return sorted(pid for pid in children(self.process.pid) if is_api_process(pid))


def embedded_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The embedded default, whichever database the rest of the suite runs on."""
    env = {k: v for k, v in os.environ.items() if k not in ("PMSGATE_DATABASE_URL", "PMSGATE_SECRET_KEY")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update({"PMSGATE_DATA_DIR": str(data_dir), **extra})
    return env


@contextmanager
def serving(env: dict[str, str], *args: str, api_processes: int) -> Iterator[Served]:
    """`pmsgate serve` with `args`, once /healthz answers and its `api_processes` have started."""
    port = free_port()
    log_path = Path(env["PMSGATE_DATA_DIR"]) / "serve.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port), *args], env=env, stdout=log, stderr=log
    )
    served = Served(f"http://127.0.0.1:{port}", env, process, log_path)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if (
                    httpx.get(f"{served.base}/healthz").status_code == 200
                    and len(served.api_processes()) == api_processes
                ):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"pmsgate serve did not start:\n{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield served
        api = served.api_processes()
        process.terminate()
        process.wait(timeout=60)
        assert not [pid for pid in api if alive(pid)], "an API process outlived pmsgate serve"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=60)
        log.close()


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def is_api_process(pid: int) -> bool:
    try:
        return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def listening_sockets(pid: int, port: int) -> set[str]:
    """The sockets (inodes) of `pid` that listen on `port` (its socket fds in /proc/net/tcp*)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port and inode in inodes:
                found.add(inode)
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][0] != "Z"
    except OSError:
        return False
