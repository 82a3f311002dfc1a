"""Settings from the environment (prefix MERCATO_), with a secret key created on first run and kept under ./var/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_VAR_DIR = Path("var")


class Settings(BaseSettings):
    """Each field maps to MERCATO_<FIELD> (for example MERCATO_DATABASE_URL)."""

    model_config = SettingsConfigDict(env_prefix="MERCATO_", extra="ignore")

    var_dir: Path = Field(default=DEFAULT_VAR_DIR, description="Where the SQLite file and the secret key live")
    database_url: str = Field(default="", description="SQLAlchemy URL; default sqlite:///<var_dir>/mercato.db")
    secret_key: str = Field(default="", description="Signs session cookies; created and kept on first run")
    redis_url: str | None = Field(default=None, description="Optional Redis for hot counters")
    currency: str = "CNY"
    default_locale: str = "en"
    session_days: int = 14
    secure_cookies: bool = False
    login_max_failures: int = 5
    login_lock_minutes: int = 15
    db_pool_size: int = 10
    sql_echo: bool = False
    payment_timeout_minutes: int = Field(default=15, ge=1, description="An unpaid payment closes after this")
    auto_confirm_days: int = Field(default=10, ge=1, description="Receipt is confirmed this long after shipment")
    embedded_worker: bool = Field(default=True, description="`mercato serve` runs a job worker thread")
    worker_poll_seconds: float = Field(default=1.0, gt=0, description="How often an idle worker looks for jobs")
    sandbox_callback_delay_seconds: int = Field(default=1, ge=0, description="Sandbox gateway callback delay")
    sandbox_duplicate_callbacks: bool = Field(default=True, description="Sandbox delivers each callback twice")

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'mercato.db'}"

    def resolved_secret_key(self) -> str:
        """The configured key, else the one kept in <var_dir>/secret_key, created with 0600 on first use."""
        if self.secret_key:
            return self.secret_key
        path = self.var_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.var_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


def load_settings(**overrides: object) -> Settings:
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
