"""A dbt process started early, so a daily run's ``dbt build`` does not wait for dbt to start.

At full scale ``dbt build`` spent ~3.5 s before its first model: importing dbt (~1.4 s)
and loading the project from its partial parse (~2 s), while a daily run's ingest, just
before it, kept only one of the machine's two cores busy. So ``python -m pipelines daily``
starts a warm dbt process beside its ingest (``start``): it imports dbt, parses the project
into a folder of its own, and waits. When the transform then runs dbt, dagster-dbt starts
this process's launcher instead of dbt (``take``): a small script that hands its arguments,
environment, working directory and standard streams to the waiting process over a Unix
socket. That process runs the build with the manifest it parsed, writing to the launcher's
streams, so dagster-dbt reads the same output as from dbt; then it reports dbt's exit code,
ends, and the launcher exits with that code once the process has ended (and so has closed
the build database).

The handoff can only save time: the waiting process refuses, and the launcher runs dbt
itself as before, when its parse failed, when a file of the project changed since it
parsed, or when the environment that configures dbt differs. A launcher interrupted by
dagster-dbt passes the signal on.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from pipelines.dbt_files import DBT_PROJECT_DIR, dbt_executable, newest_source_mtime
from pipelines.dbt_logging import skip_events_below_level
from pipelines.dbt_runs import run_target
from pipelines.gc_settings import hold, settle

LAUNCHER = "dbt-handoff"  # the launcher script, in the warm process's folder
RECORD = "handoff.json"  # what the warm process did with the handoff, in the same folder
LOG = "warm.log"  # the warm process's own output, before any handoff
ACCEPT_POLL_SECONDS = 1.0  # how often a waiting process checks that its parent still runs
HEADER_BYTES = 8  # the request's length, before its JSON
LISTEN_WAIT_SECONDS = 10.0  # how long a launcher waits for a warm process to listen
# The parse runs at this niceness (its thread only), so it takes the cycles the ingest
# leaves idle rather than sharing the cores with the ingest's own processes.
PARSE_NICENESS = 10


@dataclass
class WarmDbt:
    """A warm dbt process of this process's daily run, as the run's process sees it."""

    build_db: Path
    folder: Path  # its dbt target folder: its parse, log, launcher and record
    process: subprocess.Popen[bytes]
    taken: bool = False

    @property
    def launcher(self) -> Path:
        return self.folder / LAUNCHER

    @property
    def accepted(self) -> bool:
        """Whether it ran the build handed to it (its record says so)."""
        try:
            record = json.loads((self.folder / RECORD).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        return bool(record.get("accepted"))


def parse_folders(warm: WarmDbt | None, target: Path) -> list[Path]:
    """Where a dbt step's fresh partial parse is, first: the warm process's folder when it
    ran the build (the step's own target then only holds the copy it was seeded with, stale
    after a change to the project), else the target, where dbt itself parsed."""
    if warm is None:
        return [target]
    return [warm.folder, target] if warm.accepted else [target, warm.folder]


_WARM: dict[Path, WarmDbt] = {}


def dbt_environment(build_db: Path) -> dict[str, str]:
    """The environment dbt runs with against ``build_db``, as the transform sets it."""
    return {**os.environ, "COCKPIT_BUILD_DB": str(build_db)}


def start(build_db: Path, warehouse_dir: Path, dbt: str | None = None) -> WarmDbt:
    """Start a warm dbt process for the next ``dbt build`` against ``build_db``; its
    launcher runs ``dbt`` (default: this environment's) when the process refuses."""
    folder = run_target(warehouse_dir, f"warm{uuid.uuid4().hex[:4]}")
    address = f"cockpit-dbt-{uuid.uuid4().hex}"
    env = {
        **dbt_environment(build_db),
        "DBT_TARGET_PATH": str(folder),
        "DBT_LOG_PATH": str(folder),
        "DBT_PROJECT_DIR": str(DBT_PROJECT_DIR),
        "DBT_PROFILES_DIR": str(DBT_PROJECT_DIR),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONUNBUFFERED": "1",  # dagster-dbt reads the build's events as they come
    }
    with (folder / LOG).open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipelines.dbt_handoff", address, str(os.getpid())],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    _write_launcher(folder / LAUNCHER, address, process.pid, dbt or dbt_executable())
    warm = WarmDbt(build_db, folder, process)
    _WARM[build_db] = warm
    return warm


def _write_launcher(path: Path, address: str, pid: int, dbt: str) -> None:
    path.write_text(
        f"#!{sys.executable}\n"
        "# dbt for one transform: hands the invocation to a waiting dbt process\n"
        "import sys\n"
        "from pipelines.dbt_handoff import launch\n"
        f"sys.exit(launch({address!r}, {pid}, {dbt!r}, sys.argv[1:]))\n",
        encoding="utf-8",
    )
    path.chmod(0o755)


def take(build_db: Path) -> WarmDbt | None:
    """The warm process waiting for a build against ``build_db``, if one is; each is taken
    once (a second dbt invocation runs dbt itself)."""
    warm = _WARM.get(build_db)
    if warm is None or warm.taken or warm.process.poll() is not None:
        return None
    warm.taken = True
    return warm


def finish(timeout: float = 60.0) -> None:
    """End this process's warm dbt processes once its run is over: one taken has ended
    with its build (its launcher waited for that); one still running is no longer needed
    (never taken, or its launcher never started) and is stopped. The folder of one never
    taken is removed."""
    while _WARM:
        _, warm = _WARM.popitem()
        if warm.process.poll() is None:
            warm.process.terminate()
        try:
            warm.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            warm.process.kill()
            warm.process.wait()
        if not warm.taken:
            shutil.rmtree(warm.folder, ignore_errors=True)


# --- the launcher: the "dbt" that dagster-dbt starts ----------------------------------------


def launch(address: str, pid: int, dbt: str, args: list[str]) -> int:
    """Hand this dbt invocation to the warm process at ``address``; run ``dbt`` itself when
    there is none or it refuses. Returns dbt's exit code once the warm process has ended."""
    request = json.dumps({"args": args, "env": dict(os.environ), "cwd": os.getcwd()}).encode()
    try:
        process = os.pidfd_open(pid)
        connection = _connect(address, process)
        header = len(request).to_bytes(HEADER_BYTES, "big")
        socket.send_fds(connection, [header + request], [0, 1, 2])
        replies = connection.makefile("rb")
        answer = replies.readline().decode().strip()
    except OSError:  # no warm process (any more): nothing was handed over
        _run_dbt(dbt, args)
    if answer != "accepted":
        reason = answer.removeprefix("refused ") or "the warm dbt process ended"
        print(f"dbt handoff refused ({reason}): running dbt itself", file=sys.stderr)
        _run_dbt(dbt, args)
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda received, _frame: os.kill(pid, received))
    code: int | None = None
    for line in replies:
        if line.startswith(b"exit "):
            code = int(line.split()[1])
    select.select([process], [], [])  # until the warm process has ended
    if code is None:
        print("the warm dbt process ended without dbt's exit code", file=sys.stderr)
        return 2
    return code


def _connect(address: str, process: int) -> socket.socket:
    """A connection to the warm process; while it is alive but not yet listening (it has
    just started), it is waited for up to ``LISTEN_WAIT_SECONDS``."""
    deadline = time.monotonic() + LISTEN_WAIT_SECONDS
    while True:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            connection.connect(_abstract(address))
            return connection
        except ConnectionRefusedError:
            connection.close()
            ended = select.select([process], [], [], 0.02)[0]
            if ended or time.monotonic() > deadline:
                raise


def _abstract(address: str) -> str:
    """The socket's address in Linux's abstract namespace: no file, no path length to mind."""
    return f"\0{address}"


def _run_dbt(dbt: str, args: list[str]) -> NoReturn:
    sys.stderr.flush()
    os.execv(dbt, [dbt, *args])  # noqa: S606 - becomes dbt, as if started directly


# --- the warm process -------------------------------------------------------------------


@dataclass
class Parsed:
    """The warm process's parse: the manifest, or why there is none."""

    manifest: Any | None
    project_changed_at: float  # the project's newest file time, taken before parsing
    environment: dict[str, str]
    failure: str = ""


def parse() -> Parsed:
    """Import dbt and parse the project into this process's folder (``DBT_TARGET_PATH``)."""
    project_changed_at = newest_source_mtime()
    environment = dict(os.environ)
    from dbt.cli.main import dbtRunner

    result = dbtRunner().invoke(["parse"])
    if not result.success:
        failure = f"its parse failed: {result.exception}"
        return Parsed(None, project_changed_at, environment, failure)
    return Parsed(result.result, project_changed_at, environment)


def parse_at_low_priority() -> Parsed:
    """``parse`` on a thread of lower priority (on Linux a thread has its own niceness);
    the build later runs on the main thread, at the process's own."""
    outcome: list[Parsed] = []

    def work() -> None:
        with contextlib.suppress(OSError):  # else: parse at the usual priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PARSE_NICENESS)
        outcome.append(parse())

    thread = threading.Thread(target=work, name="dbt-parse")
    thread.start()
    thread.join()
    if not outcome:
        raise RuntimeError("the warm dbt parse failed; see its log")
    return outcome[0]


def refusal(parsed: Parsed, env: dict[str, str]) -> str:
    """Why the warm process must not run this invocation ('' when it may): its manifest
    must be the one dbt would parse now, for the same project, profile and variables."""
    if parsed.manifest is None:
        return parsed.failure
    if newest_source_mtime() != parsed.project_changed_at:
        return "the dbt project changed since the warm parse"
    for name in ("DBT_PROJECT_DIR", "DBT_PROFILES_DIR"):
        if Path(env.get(name, "")).resolve() != Path(parsed.environment[name]).resolve():
            return f"another {name}"
    configuring = {name for name in {*env, *parsed.environment} if name.startswith("COCKPIT_")}
    configuring |= set(getattr(parsed.manifest, "env_vars", {}) or {})
    for name in sorted(configuring):
        if env.get(name) != parsed.environment.get(name):
            return f"{name} differs"
    return ""


def serve(address: str, parent: int) -> int:
    """The warm process: listen, parse, then run the one invocation handed over; or end
    when ``parent`` (the run that started it) is gone."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(_abstract(address))  # before parsing: an early launcher waits for the parse
    listener.listen(1)
    hold()
    parsed = parse_at_low_priority()
    settle()  # dbt and its manifest stay to the end
    folder = Path(parsed.environment["DBT_TARGET_PATH"])
    listener.settimeout(ACCEPT_POLL_SECONDS)
    while True:
        try:
            connection, _ = listener.accept()
            break
        except TimeoutError:
            if os.getppid() != parent:  # the daily process is gone: nobody will hand over
                return 0
    listener.close()
    connection.settimeout(None)
    request, streams = _receive(connection)
    reason = refusal(parsed, request["env"])
    _record(folder, {"accepted": not reason, "refusal": reason})
    if reason:
        connection.sendall(f"refused {reason}\n".encode())
        for stream in streams:
            os.close(stream)
        return 0
    connection.sendall(b"accepted\n")
    code = run_build(parsed.manifest, request, streams)
    _record(folder, {"accepted": True, "refusal": "", "exit_code": code})
    connection.sendall(f"exit {code}\n".encode())
    return code


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """The launcher's request (after its length) and the streams passed with it; a
    launcher gone before its request was complete is an error, never a wait."""
    data, streams, _, _ = socket.recv_fds(connection, 1 << 16, 3)
    while len(data) < HEADER_BYTES or len(data) < HEADER_BYTES + _length(data):
        chunk = connection.recv(1 << 16)
        if not chunk:
            raise ConnectionError("the launcher's request ended early")
        data += chunk
    return json.loads(data[HEADER_BYTES:HEADER_BYTES + _length(data)]), list(streams)


def _length(data: bytes) -> int:
    return int.from_bytes(data[:HEADER_BYTES], "big")


def run_build(manifest: Any, request: dict[str, Any], streams: list[int]) -> int:
    """Run the launcher's dbt invocation here, on its streams, with the parsed manifest;
    dbt's exit code (the CLI's: 0 success, 1 failed nodes, 2 an error)."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.stdout.flush()
    sys.stderr.flush()
    for target, stream in enumerate(streams):
        os.dup2(stream, target)
        os.close(stream)
    from dbt.cli.main import dbtRunner

    skip_events_below_level()
    result = dbtRunner(manifest=manifest).invoke(request["args"])
    if result.exception is not None and not result.success:
        print(f"dbt: {result.exception!r}", file=sys.stderr)
    close_database()
    sys.stdout.flush()
    sys.stderr.flush()
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def close_database() -> None:
    """Close the build database dbt opened, as dbt's own process does at its exit: its last
    checkpoint (~1.2 s at full scale) happens here, so the process can then end without
    the interpreter's teardown of dbt's objects (~1 s more). Had a connection stayed open,
    the database stays as consistent: what was committed is in its write-ahead log, which
    the next connection replays."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with contextlib.suppress(Exception):  # dbt never connected: nothing to close
        DuckDBConnectionManager.env().close()
    DuckDBConnectionManager.close_all_connections()


def _record(folder: Path, what: dict[str, Any]) -> None:
    (folder / RECORD).write_text(json.dumps(what), encoding="utf-8")


if __name__ == "__main__":
    from pipelines.__main__ import exit_without_teardown

    exit_without_teardown(serve(sys.argv[1], int(sys.argv[2])))
