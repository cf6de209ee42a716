"""The Dagster instance file: SQLite unless DAGSTER_PG_URL asks for PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import yaml

from pipelines.instance import PG_URL_ENV, instance_yaml, write_instance_config


def test_default_instance_is_sqlite_with_telemetry_off(tmp_path: Path) -> None:
    path = write_instance_config(tmp_path / "home", pg_url="")
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "storage" not in config  # Dagster's default: SQLite files under DAGSTER_HOME
    assert config["telemetry"] == {"enabled": False}
    assert config["concurrency"]["runs"]["max_concurrent_runs"] == 1


def test_one_variable_switches_to_postgres(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(PG_URL_ENV, "postgresql://dagster:s3cr3t-xyz@db:5432/dagster")
    config = yaml.safe_load(write_instance_config(tmp_path / "home").read_text("utf-8"))
    assert config["storage"] == {"postgres": {"postgres_url": {"env": PG_URL_ENV}}}
    assert config["telemetry"] == {"enabled": False}
    # the URL itself (with its password) is read from the environment, never written down
    assert "s3cr3t-xyz" not in instance_yaml("postgresql://dagster:s3cr3t-xyz@db:5432/dagster")


def test_switching_back_rewrites_the_file(tmp_path: Path, monkeypatch) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv(PG_URL_ENV, "postgresql://x@y/z")
    write_instance_config(home)
    monkeypatch.delenv(PG_URL_ENV)
    config = yaml.safe_load(write_instance_config(home).read_text("utf-8"))
    assert "storage" not in config
