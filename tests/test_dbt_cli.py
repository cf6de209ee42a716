"""How dbt is invoked: each data directory reuses its last parse, and keeps few run folders."""

from __future__ import annotations

import json
import os
import subprocess
import time
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest

from pipelines.dbt_runs import (
    PARTIAL_PARSE_FILE,
    dbt_folder,
    keep_partial_parse,
    prune_runs,
    run_target,
)
from pipelines.transform import dbt_resource


def log_events(target: Path) -> list[str]:
    """The names of the structured events dbt logged into a run's folder."""
    names = []
    for log in sorted(target.glob("dbt.log*")):
        for line in log.read_text(encoding="utf-8").splitlines():
            names.append(json.loads(line)["info"]["name"])
    return names


def test_a_run_folder_starts_from_the_last_kept_parse(tmp_path: Path) -> None:
    first = run_target(tmp_path, "run-one")
    assert not (first / PARTIAL_PARSE_FILE).exists()  # nothing kept yet
    (first / PARTIAL_PARSE_FILE).write_bytes(b"parse of run one")
    keep_partial_parse(tmp_path, first)

    second = run_target(tmp_path, "run-two")
    assert second != first
    assert (second / PARTIAL_PARSE_FILE).read_bytes() == b"parse of run one"
    (second / PARTIAL_PARSE_FILE).write_bytes(b"parse of run two")
    keep_partial_parse(tmp_path, second)
    assert (dbt_folder(tmp_path) / PARTIAL_PARSE_FILE).read_bytes() == b"parse of run two"
    assert [p.name for p in dbt_folder(tmp_path).iterdir() if p.name.startswith(".")] == []


def test_a_run_that_wrote_no_parse_keeps_the_previous_one(tmp_path: Path) -> None:
    kept = dbt_folder(tmp_path) / PARTIAL_PARSE_FILE
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"earlier parse")
    failed = run_target(tmp_path, "failed-run")
    (failed / PARTIAL_PARSE_FILE).unlink()
    keep_partial_parse(tmp_path, failed)
    assert kept.read_bytes() == b"earlier parse"


def test_only_the_newest_run_folders_are_kept(tmp_path: Path) -> None:
    folders = [run_target(tmp_path, f"run-{n}") for n in range(7)]
    for age, folder in enumerate(reversed(folders)):  # folders[-1] newest
        stamp = time.time() - 60 * age
        os.utime(folder, (stamp, stamp))
    removed = prune_runs(tmp_path, keep=3)
    assert sorted(removed) == sorted(folders[:4])
    assert sorted(p for p in (dbt_folder(tmp_path) / "runs").iterdir()) == sorted(folders[4:])


def test_the_resource_knows_its_dbt_version_without_a_subprocess(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_subprocess(*args: object, **kwargs: object) -> bytes:
        raise AssertionError(f"dbt was started to ask its version: {args}")

    monkeypatch.setattr(subprocess, "check_output", no_subprocess)
    resource = dbt_resource()
    assert str(resource._cli_version) == installed_version("dbt-core")
    assert resource._initialize_dbt_core_adapter(["build"]) is None


def test_the_second_dbt_run_of_a_data_directory_parses_partially(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile names this directory's build database, so the repository's parse (made
    for the default path) is discarded by dbt; the parse kept here is not."""
    warehouse = tmp_path / "warehouse"
    warehouse.mkdir()
    monkeypatch.setenv("COCKPIT_BUILD_DB", str(warehouse / "build.duckdb"))
    resource = dbt_resource()
    targets = []
    for run in ("first", "second"):
        target = run_target(warehouse, run)
        resource.cli(["parse"], target_path=target).wait()
        keep_partial_parse(warehouse, target)
        targets.append(target)
    second = log_events(targets[1])
    assert "MainReportVersion" in second  # the log was read
    assert "UnableToPartialParse" not in second
