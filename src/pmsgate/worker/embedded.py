"""Workers and the scheduler inside the `serve` process (the embedded mode)."""

from __future__ import annotations

from huey import Huey
from huey.consumer import Consumer


class EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """Huey's consumer without its signal handlers: uvicorn owns the process's signals."""

    def _set_signal_handlers(self) -> None:
        return None


def start_consumer(huey: Huey, workers: int) -> EmbeddedConsumer:
    consumer = EmbeddedConsumer(
        huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        check_worker_health=True,
        scheduler_interval=1,
    )
    consumer.start()
    return consumer
