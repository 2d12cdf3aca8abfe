"""The API processes of `pmsgate serve --processes N`: each listens on its own socket of the
same port (SO_REUSEPORT), so the kernel spreads new connections over them.

uvicorn's own workers accept from one shared socket: the process that wakes first takes every
connection waiting (asyncio accepts up to the backlog per wake-up), and with keep-alive clients
that choice lasts. Measured with 8 connections over 2 processes: in 3 runs of 4 every
connection went to one process (114 to 135 requests/s; 389 when they were split). With a socket
per process the kernel hashes each connection to one of them.

The parent restarts an API process that exits unexpectedly, and on SIGTERM or SIGINT stops
them all (each finishes its requests in flight: uvicorn's graceful shutdown).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType

log = logging.getLogger(__name__)

_STOP_SECONDS = 30  # an API process still finishing requests after this is killed
_RESTART_PAUSE = 1.0  # between restarts of a process that keeps exiting


def bound_socket(host: str, port: int, *, share_port: bool) -> socket.socket:
    """A TCP socket bound to host:port; `share_port`: other sockets of this user may bind the
    same port (SO_REUSEPORT), as the API processes do. Raises OSError if the port is taken."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def _api_process(host: str, port: int, log_level: str) -> None:
    import uvicorn

    config = uvicorn.Config(
        "pmsgate.app:web_process_app", factory=True, host=host, port=port, log_level=log_level
    )
    uvicorn.Server(config).run(sockets=[bound_socket(host, port, share_port=True)])


class ApiProcesses:
    def __init__(self, host: str, port: int, count: int, log_level: str) -> None:
        self.args = (host, port, log_level)
        self.count = count
        self.context = multiprocessing.get_context("spawn")  # a fresh interpreter: no parent threads
        self.processes: list[BaseProcess] = []
        self.stopping = False

    def _start_one(self) -> BaseProcess:
        process = self.context.Process(target=_api_process, args=self.args, name="pmsgate-api")
        process.start()
        return process

    def run(self) -> None:
        """Start the processes and keep them running until SIGTERM or SIGINT."""

        def stop(signum: int, _frame: FrameType | None) -> None:
            self.stopping = True

        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.processes = [self._start_one() for _ in range(self.count)]
            while not self.stopping:
                for index, process in enumerate(self.processes):
                    if not process.is_alive() and not self.stopping:
                        log.warning(
                            "API process %s exited (%s); starting another", process.pid, process.exitcode
                        )
                        time.sleep(_RESTART_PAUSE)
                        self.processes[index] = self._start_one()
                time.sleep(0.2)
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _stop_all(self) -> None:
        for process in self.processes:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + _STOP_SECONDS
        for process in self.processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
