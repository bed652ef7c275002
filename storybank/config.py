"""Settings, read once from STORYBANK_* environment variables (or a .env file)."""

from __future__ import annotations

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storybank.models.people import DEFAULT_UNIT_LEVELS, SITE_LEVEL

Environment = Literal["development", "test", "production"]


class Settings(BaseSettings):
    """Everything an operator can set; see README "Configuration"."""

    model_config = SettingsConfigDict(env_prefix="STORYBANK_", env_file=".env", extra="ignore")

    environment: Environment = "development"
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default is an SQLite file in data_dir."
    )
    secret_key: SecretStr | None = None
    log_level: str = "INFO"
    db_busy_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="How long a write waits for another writer's lock (e.g. an import) "
        "before the request is answered 503 to retry later.",
    )
    request_slots: int = Field(
        default=4,
        ge=1,
        le=15,
        description="Requests one app worker works on at once; the rest wait their turn "
        "(holding no thread and no database connection). Python runs one thread at a time, "
        "so a few at once answer the slowest requests sooner under load; more workers, not "
        "more slots, use more cores. At most 15: each request in progress may hold one of "
        "the database pool's 15 connections.",
    )
    max_request_bytes: int = 1_000_000
    # 20,000 stories of 150-350 words (the row limit) come to about 35-45 MB of CSV.
    max_import_bytes: int = 64_000_000
    max_import_rows: int = 20_000
    session_idle_minutes: int = 60
    session_max_hours: int = 12
    cookie_secure: bool | None = Field(
        default=None, description="Force the Secure cookie flag; default: on behind HTTPS."
    )
    login_max_failures: int = 5
    login_lockout_seconds: int = 900
    retention_days: int = 365 * 6
    demo_mode: bool = False
    nlp_pipeline: str = Field(
        default="blank",
        description='The spaCy pipeline under the suggestions: "blank" (nlp/config.cfg: '
        "blank English, sentences, lookup lemmas) or the name of an installed pretrained "
        'pipeline such as "en_core_web_sm".',
    )
    nlp_suggest_on_submit: bool = Field(
        default=True, description="Queue code suggestions when a story is submitted."
    )
    nlp_retrain_every: int = Field(
        default=50,
        ge=0,
        description="Retrain in the background after this many new review decisions (0: never).",
    )
    jobs_backend: Literal["auto", "inline", "thread", "procrastinate"] = Field(
        default="auto",
        description='How background jobs run: "auto" is a thread in the app on SQLite and the '
        'PostgreSQL-backed queue (procrastinate) on PostgreSQL; "inline" runs them at once.',
    )
    unit_levels: tuple[str, ...] = Field(
        default=DEFAULT_UNIT_LEVELS,
        description='Levels of the unit tree, lowest first; the lowest is "site".',
    )

    @field_validator("unit_levels")
    @classmethod
    def _sites_at_the_bottom(cls, levels: tuple[str, ...]) -> tuple[str, ...]:
        if len(levels) < 2 or levels[0] != SITE_LEVEL or len(set(levels)) != len(levels):
            raise ValueError(
                'unit_levels lists distinct levels, lowest first, starting with "site" and '
                'with at least one level above it, e.g. ["site", "region", "programme"].'
            )
        return levels

    @model_validator(mode="after")
    def _require_secret_in_production(self) -> Settings:
        if self.environment == "production" and self.secret_key is None:
            raise ValueError(
                "STORYBANK_SECRET_KEY must be set in production (a long random string)."
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL in use: the configured one or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'storybank.db').resolve()}"

    def secret(self) -> str:
        """The installation's secret, which keys the stored hashes of login sessions, API
        tokens and held forms; in development it is generated once and kept in data_dir, so
        the app, its workers and the CLI all use the same one."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _kept_secret(self.data_dir.resolve() / "secret_key")


@lru_cache
def _kept_secret(path: Path) -> str:
    """The secret kept in a file, made on first use and read once per process; created
    whole (link, not write) so workers starting together all end up with the same one."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
            out.write(secrets.token_urlsafe(48))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            draft.unlink()
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
