"""A long-running process gives the memory a burst of work freed back to the system."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from pmsgate.kit.longlived import _malloc_trim


@pytest.mark.skipif(_malloc_trim() is None, reason="the C library has no malloc_trim (not glibc)")
def test_trim_heap_returns_what_a_burst_of_allocations_freed() -> None:
    # In a fresh interpreter: 60 MB in 1 KB blocks (the C allocator's heap, not pymalloc's
    # arenas or mmap), all freed but the last; glibc keeps them until trimmed.
    script = textwrap.dedent(
        """
        from pmsgate.kit.longlived import trim_heap

        def anon_kb():
            for line in open("/proc/self/status"):
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])

        blocks = [bytes(1024) for _ in range(60_000)]
        last = blocks[-1]
        del blocks
        held = anon_kb()
        trim_heap()
        print(held - anon_kb())
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert int(out.stdout) > 40_000  # KB given back
