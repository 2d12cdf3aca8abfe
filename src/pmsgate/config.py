"""Settings: one class, environment prefix PMSGATE_, safe defaults for the embedded mode.

Embedded mode (no PMSGATE_DATABASE_URL): SQLite files, queue and encryption key live under
PMSGATE_DATA_DIR. Scale-out mode (PostgreSQL + Redis) refuses to start without an explicit
PMSGATE_SECRET_KEY, because a key generated on one machine cannot decrypt on another.
"""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PMSGATE_", extra="ignore")

    data_dir: Path = Field(default=Path("./pmsgate-data"), description="Where embedded files live")
    database_url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite file")
    redis_url: str | None = Field(default=None, description="Redis queue; default: SQLite queue file")
    secret_key: str | None = Field(default=None, description="Fernet key for credentials at rest")

    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = Field(default=None, description="Externally reachable base URL")

    workers: int = Field(default=2, ge=0, le=64, description="In-process sync worker threads (serve)")
    web_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="API processes of `pmsgate serve` (--processes); default: 1 in the embedded mode, "
        "the CPU count in scale-out",
    )
    read_threads: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Record reads one API process runs at once; default: 2 on SQLite, 4 on PostgreSQL",
    )
    run_workers_in_process: bool = True
    write_workers: int = Field(default=2, ge=1, le=64, description="Threads of the writes lane")
    queue_poll_max_seconds: float = Field(
        default=1.0,
        gt=0,
        le=10,
        description="Longest idle poll of the SQLite queue (bounds a missed wake-up)",
    )
    sync_slice_seconds: float = Field(
        default=2.0, gt=0, description="A sync yields its thread between pages after this, if others wait"
    )
    throttle_max_sleep_seconds: float = Field(
        default=0.5, ge=0, description="Longer PMS rate-limit waits defer the work instead of sleeping"
    )
    worker_shutdown_seconds: float = Field(default=20.0, gt=0, description="Drain bound on SIGTERM")
    metrics_enabled: bool = Field(default=True, description="Serve Prometheus metrics at /metrics")

    rate_limit_per_minute: int = Field(default=150, ge=1)
    api_key_cache_seconds: float = Field(
        default=5.0,
        ge=0,
        description="An API process trusts a checked key this long (a revocation elsewhere takes effect "
        "within it); 0: check every request",
    )
    max_request_body_bytes: int = Field(default=1_000_000, ge=1024)

    sync_lookback_days: int = Field(default=365, ge=1, description="Ledger window of a normal sync")
    back_sync_years: int = Field(default=50, ge=1)
    sync_page_size: int = Field(default=250, ge=1, le=5000)
    sync_commit_records: int = Field(
        default=2000,
        ge=1,
        description="A sync commits its pages (with their checkpoint) once this many records are pending",
    )
    sync_commit_seconds: float = Field(
        default=1.0,
        gt=0,
        description="… or once its oldest uncommitted page is this old (a slow PMS still checkpoints and "
        "heartbeats often)",
    )
    sync_analyze_rows: int = Field(
        default=1000,
        ge=0,
        description="PostgreSQL: a sync analyses a record table once it added this many rows to it and at "
        "least as many as the planner believed it held (sync/statistics.py); 0: never",
    )
    sync_heartbeat_timeout_seconds: int = Field(default=120, ge=5)
    sync_overlap_seconds: int = Field(default=300, ge=0, description="Lag window of incremental syncs")

    allow_private_pms_urls: bool | None = Field(
        default=None,
        description=(
            "Permit PMS and webhook URLs on loopback/private/shared addresses (the emulators). "
            "Default: allowed in embedded mode, refused in scale-out mode."
        ),
    )
    allow_private_webhook_urls: bool | None = Field(
        default=None,
        description="Permit webhook URLs on loopback/private networks and plain http; "
        "default: the same as allow_private_pms_urls",
    )
    webhook_attempt_timeout_seconds: float = Field(default=10.0, gt=0, le=120)
    webhook_retry_delays_seconds: list[float] = Field(
        # 5 s doubling to 12 h: 15 retries spanning about 41 h (jitter: up to +25% each).
        default=[5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 43200, 43200],
        description="Wait before each retry of a failed delivery; its length is the retry count",
    )
    webhook_disable_after_hours: float = Field(default=120.0, gt=0, description="Continuous failure")
    webhook_secret_grace_hours: float = Field(default=24.0, ge=0, description="Old secret after rotation")
    webhook_threads: int = Field(default=64, ge=1, le=1024, description="Sends in flight per process")
    webhook_per_endpoint_concurrency: int = Field(default=8, ge=1, le=64)
    webhook_poll_interval_seconds: float = Field(default=0.5, gt=0, le=60)
    webhook_lease_margin_seconds: float = Field(
        default=30.0, gt=0, description="A claim's lease outlives the attempt timeout by this much"
    )
    event_retention_days: float = Field(default=30.0, gt=0)

    mode: Literal["embedded", "scale-out"] = "embedded"

    console_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="A console session ends after this much inactivity"
    )
    console_admin_token: SecretStr | None = Field(
        default=None,
        description="Signs an operator into the console's all-customers view; unset = no operator",
    )
    connect_link_days: int = Field(default=7, ge=1, le=90, description="Default lifetime of a connect link")

    @model_validator(mode="after")
    def _derive_mode(self) -> Settings:
        if self.database_url and not self.database_url.startswith("sqlite"):
            self.mode = "scale-out"
        if self.allow_private_pms_urls is None:
            self.allow_private_pms_urls = self.mode == "embedded"
        return self

    @property
    def allow_private_urls(self) -> bool:
        """`allow_private_pms_urls` once derived from the mode (never None after validation)."""
        return bool(self.allow_private_pms_urls)

    @property
    def webhook_urls_may_be_private(self) -> bool:
        if self.allow_private_webhook_urls is None:
            return self.allow_private_urls
        return self.allow_private_webhook_urls

    @property
    def api_processes(self) -> int:
        """How many processes `pmsgate serve` answers HTTP with: one in the embedded mode (the
        least memory; several for read-heavy use), the CPU count in scale-out."""
        if self.web_concurrency is not None:
            return self.web_concurrency
        return 1 if self.mode == "embedded" else max(1, min(os.cpu_count() or 1, 8))

    @property
    def reads_at_once(self) -> int:
        """How many record reads one API process runs at a time (the others wait their turn).
        A read is Python from end to end but for its statements, and one interpreter runs one
        thread's Python at a time: a thread per request only hands the GIL back and forth. On
        SQLite two at a time keep the interpreter busy while one waits on a long statement (a
        large count); PostgreSQL's statements all wait on the network, so a few more fill those
        waits. Measured in docs/benchmarks.md ("Reads at once per process")."""
        if self.read_threads is not None:
            return self.read_threads
        return 2 if self.sqlalchemy_url.startswith("sqlite") else 4

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'pmsgate.db').resolve()}"

    @property
    def queue_path(self) -> Path:
        return (self.data_dir / "queue.db").resolve()

    def resolved_secret_key(self) -> str:
        """The Fernet key. Embedded mode keeps a generated one in the data dir (mode 0600)."""
        if self.secret_key:
            return self.secret_key
        if self.mode != "embedded":
            raise RuntimeError("PMSGATE_SECRET_KEY must be set outside the embedded mode")
        key_file = self.data_dir / "secret.key"
        if not key_file.exists():
            from cryptography.fernet import Fernet

            self.data_dir.mkdir(parents=True, exist_ok=True)
            tmp = key_file.with_suffix(f".{secrets.token_hex(4)}.tmp")
            tmp.write_bytes(Fernet.generate_key())
            tmp.chmod(0o600)
            tmp.replace(key_file)
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
