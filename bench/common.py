"""Shared parts of the benchmarks: an emulator in its own process, a fresh store, the report.

Every benchmark writes its figures, the command line, the core count and the versions into
docs/benchmarks.md between markers named after the benchmark, so a re-run replaces them.
"""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
PMSGATE = str(Path(sys.executable).with_name("pmsgate"))


@dataclass
class Emulator:
    base_url: str
    credentials: dict[str, str]
    process: subprocess.Popen[str]


@contextmanager
def emulator(name: str, records: int, seed: int = 1) -> Iterator[Emulator]:
    """`pmsgate emulate NAME` in its own process (so its CPU and memory are not ours)."""
    process = subprocess.Popen(
        [PMSGATE, "emulate", name, "--port", "0", "--records", str(records), "--seed", str(seed)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    first = json.loads(process.stdout.readline())
    try:
        yield Emulator(first["base_url"], first["credentials"], process)
    finally:
        process.terminate()
        process.wait(timeout=10)


def postgres_database(admin_url: str) -> str:
    """A new empty database on the server of `admin_url`; returns its SQLAlchemy URL."""
    import psycopg

    name = f"pmsgate_bench_{uuid.uuid4().hex[:8]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    plain = f"{base}/postgres".replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_data_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="pmsgate-bench-"))


def versions(*names: str) -> str:
    found = []
    for name in ("pmsgate", *names):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def rss_peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "?"


def write_section(name: str, title: str, body: str, extra_versions: tuple[str, ...] = ()) -> None:
    """Replace (or append) this benchmark's section of docs/benchmarks.md."""
    command = " ".join(["python", *(Path(a).name if a.endswith(".py") else a for a in sys.argv)])
    command = command.replace(
        f"python {Path(sys.argv[0]).name}", f".venv/bin/python bench/{Path(sys.argv[0]).name}"
    )
    header = (
        f"Command: `{command}`  \n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores "
        f"(load average at the end {load_average()}), Python {platform.python_version()}, "
        f"{versions(*extra_versions)}.\n\n"
    )
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    section = f"{start}\n### {title}\n\n{header}{body.rstrip()}\n{end}"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    text = (
        pattern.sub(lambda _m: section, text) if pattern.search(text) else f"{text.rstrip()}\n\n{section}\n"
    )
    DOC.write_text(text)


class Timer:
    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
