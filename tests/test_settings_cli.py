"""Settings from the environment, the kept secret key, and the `mercato` command's schema upgrade."""

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from mercato.cli import app
from mercato.settings import Settings


def test_secret_key_is_created_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    key = settings.resolved_secret_key()
    assert len(key) >= 48
    assert Settings(var_dir=tmp_path).resolved_secret_key() == key
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_database_url_defaults_to_a_sqlite_file_under_var(tmp_path: Path) -> None:
    assert Settings(var_dir=tmp_path).resolved_database_url() == f"sqlite:///{tmp_path}/mercato.db"


def test_settings_read_the_mercato_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MERCATO_DATABASE_URL", "postgresql://u@h/db")
    monkeypatch.setenv("MERCATO_LOGIN_MAX_FAILURES", "7")
    settings = Settings()
    assert settings.resolved_database_url() == "postgresql://u@h/db"
    assert settings.login_max_failures == 7


def test_db_upgrade_creates_the_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.db"
    result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", url])
    assert result.exit_code == 0, result.output
    engine = sa.create_engine(url)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"users", "stores", "products", "skus", "stock", "categories", "audit_log"} <= tables
    engine.dispose()
