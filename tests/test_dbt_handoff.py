"""The warm dbt process of a daily run (``pipelines.dbt_handoff``): when it refuses a build,
how its launcher then runs dbt itself, and that it never outlives the run that started it.
The handoff of a real build is exercised by the demo daily run in ``tests/test_bench.py``."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines import dbt_handoff
from pipelines.dbt_files import DBT_PROJECT_DIR, newest_source_mtime


def parsed(manifest: object | None = None, **environment: str) -> dbt_handoff.Parsed:
    """A parse of this project, made with ``environment`` (plus the project's folders)."""
    return dbt_handoff.Parsed(
        manifest if manifest is not None else SimpleNamespace(env_vars={}),
        newest_source_mtime(),
        {"DBT_PROJECT_DIR": str(DBT_PROJECT_DIR), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
         **environment},
    )


def invocation_env(**changes: str) -> dict[str, str]:
    return {"DBT_PROJECT_DIR": str(DBT_PROJECT_DIR), "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
            "COCKPIT_BUILD_DB": "/data/build.duckdb", "DBT_TARGET_PATH": "/data/run-1",
            **changes}


def test_a_parse_of_this_project_in_this_environment_takes_the_build() -> None:
    """Only dbt's per-invocation settings (target folder, log format) may differ."""
    warm = parsed(COCKPIT_BUILD_DB="/data/build.duckdb", DBT_TARGET_PATH="/data/warm")
    assert dbt_handoff.refusal(warm, invocation_env(DBT_LOG_FORMAT="json")) == ""


@pytest.mark.parametrize(
    ("warm", "env", "reason"),
    [
        (dbt_handoff.Parsed(None, 0.0, {}, "its parse failed: no project"), invocation_env(),
         "its parse failed: no project"),
        (dbt_handoff.Parsed(SimpleNamespace(env_vars={}), newest_source_mtime() - 1.0,
                            {"COCKPIT_BUILD_DB": "/data/build.duckdb"}), invocation_env(),
         "the dbt project changed since the warm parse"),
        (parsed(COCKPIT_BUILD_DB="/data/build.duckdb"),
         invocation_env(DBT_PROJECT_DIR="/elsewhere"), "another DBT_PROJECT_DIR"),
        (parsed(COCKPIT_BUILD_DB="/other/build.duckdb"), invocation_env(),
         "COCKPIT_BUILD_DB differs"),
        (parsed(COCKPIT_BUILD_DB="/data/build.duckdb"),
         invocation_env(COCKPIT_DBT_THREADS="1"), "COCKPIT_DBT_THREADS differs"),
        (parsed(SimpleNamespace(env_vars={"REGION": "east"}),
                COCKPIT_BUILD_DB="/data/build.duckdb", REGION="east"),
         invocation_env(REGION="west"), "REGION differs"),
    ],
    ids=["parse-failed", "project-changed", "other-project", "other-database",
         "other-threads", "model-env-var"],
)
def test_a_parse_that_may_not_be_what_dbt_would_parse_now_is_refused(
    warm: dbt_handoff.Parsed, env: dict[str, str], reason: str
) -> None:
    assert dbt_handoff.refusal(warm, env) == reason


def test_a_launcher_without_its_warm_process_runs_dbt_itself(tmp_path: Path) -> None:
    """The warm process has ended (here: one that never listened): the launcher becomes
    dbt (here ``echo``) at once, with the same arguments and exit code."""
    ended = subprocess.Popen(["true"])
    ended.wait()
    launcher = tmp_path / dbt_handoff.LAUNCHER
    dbt_handoff._write_launcher(launcher, "cockpit-dbt-nobody", ended.pid, "/bin/echo")
    completed = subprocess.run([str(launcher), "build", "--select", "fqn:*"],
                               capture_output=True, text=True, timeout=60, check=False)
    assert (completed.returncode, completed.stdout) == (0, "build --select fqn:*\n")


def test_a_warm_process_that_could_not_parse_refuses_and_dbt_runs_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm process whose parse failed (here: no project where it looked) says why; the
    launcher then runs dbt itself, and the refusal is recorded in the process's folder."""
    monkeypatch.setattr(dbt_handoff, "DBT_PROJECT_DIR", tmp_path / "no-project")
    build_db = tmp_path / "warehouse" / "build.duckdb"
    warm = dbt_handoff.start(build_db, tmp_path / "warehouse", dbt="/bin/echo")
    try:
        assert dbt_handoff.take(build_db) is warm
        assert dbt_handoff.take(build_db) is None  # a warm process takes one build
        completed = subprocess.run(
            [str(warm.launcher), "build"], capture_output=True, text=True, timeout=300,
            env={**os.environ, "COCKPIT_BUILD_DB": str(build_db)}, check=False,
        )
        assert (completed.returncode, completed.stdout) == (0, "build\n")
        assert "dbt handoff refused (its parse failed" in completed.stderr
        record = json.loads((warm.folder / dbt_handoff.RECORD).read_text(encoding="utf-8"))
        assert record["accepted"] is False and record["refusal"].startswith("its parse failed")
        # dbt parsed in the launcher's own target: that parse is the one kept
        target = tmp_path / "target"
        assert dbt_handoff.parse_folders(warm, target) == [target, warm.folder]
        assert warm.process.wait(timeout=60) == 0
    finally:
        dbt_handoff.finish()
    assert warm.folder.exists()  # taken: its folder holds the record and log


def test_a_warm_process_no_build_took_is_stopped_and_its_folder_removed(
    tmp_path: Path,
) -> None:
    build_db = tmp_path / "warehouse" / "build.duckdb"
    warm = dbt_handoff.start(build_db, tmp_path / "warehouse")
    dbt_handoff.finish()
    assert warm.process.returncode is not None
    assert not warm.folder.exists() and dbt_handoff._WARM == {}
    assert dbt_handoff.take(build_db) is None


def _ended(pid: int) -> bool:
    """Whether ``pid`` has exited (gone, or a zombie nobody reaped yet)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


def test_a_warm_process_whose_run_is_gone_ends_by_itself(tmp_path: Path) -> None:
    """The daily process died without ending it (killed, say): nobody will hand it a
    build, so it ends rather than wait forever."""
    starter = (
        "import sys\nfrom pathlib import Path\nfrom pipelines import dbt_handoff as h\n"
        "h.DBT_PROJECT_DIR = Path(sys.argv[1])\n"
        "print(h.start(Path(sys.argv[2]), Path(sys.argv[3])).process.pid)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", starter, str(tmp_path / "no-project"),
         str(tmp_path / "build.duckdb"), str(tmp_path / "warehouse")],
        capture_output=True, text=True, timeout=120, check=True,
    )
    pid = int(completed.stdout.strip())
    deadline = time.monotonic() + 120
    while not _ended(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _ended(pid)


def test_a_request_cut_short_by_its_launcher_is_an_error_not_a_wait() -> None:
    """A launcher that dies inside its request (here: after 3 of the 8 bytes of its length,
    then after the length of a longer request) leaves the warm process nothing to wait for."""
    for sent in (b"\0\0\0", (100).to_bytes(dbt_handoff.HEADER_BYTES, "big") + b"{}"):
        launcher, warm = socket.socketpair()
        with launcher, warm:
            socket.send_fds(launcher, [sent], [1])
            launcher.close()
            with pytest.raises(ConnectionError, match="ended early"):
                dbt_handoff._receive(warm)


def test_a_request_arriving_in_pieces_is_read_whole() -> None:
    request = json.dumps({"args": ["build"], "env": {"A": "b" * 70_000}, "cwd": "/"}).encode()
    message = len(request).to_bytes(dbt_handoff.HEADER_BYTES, "big") + request
    launcher, warm = socket.socketpair()
    with launcher, warm:
        socket.send_fds(launcher, [message[:5]], [1])
        launcher.sendall(message[5:])
        received, streams = dbt_handoff._receive(warm)
        for stream in streams:
            os.close(stream)
    assert received["args"] == ["build"] and len(received["env"]["A"]) == 70_000
    assert len(streams) == 1


def test_after_a_handed_over_build_the_warm_parse_is_kept_not_the_seeded_copy(
    tmp_path: Path,
) -> None:
    """A build the warm process ran parsed in its folder; the step's own target only holds
    the partial parse it was seeded with, which a change to the project made stale (kept,
    every later daily run parsed the whole project again)."""
    folder, target = tmp_path / "warm", tmp_path / "target"
    folder.mkdir()
    warm = dbt_handoff.WarmDbt(tmp_path / "build.duckdb", folder, process=None)  # type: ignore[arg-type]
    assert dbt_handoff.parse_folders(None, target) == [target]
    assert dbt_handoff.parse_folders(warm, target) == [target, folder]  # no record: not run
    (folder / dbt_handoff.RECORD).write_text('{"accepted": true, "refusal": ""}')
    assert dbt_handoff.parse_folders(warm, target) == [folder, target]
    (folder / dbt_handoff.RECORD).write_text('{"accepted": false, "refusal": "x"}')
    assert dbt_handoff.parse_folders(warm, target) == [target, folder]
