"""One day's batches validated in a second process, ahead of the ingest steps that load them.

Each ingest step reports its table's Great Expectations suite as its asset check, so it
waits for its own validation; and GX is pure Python, holding the interpreter while it
works, so within one process the validations and the loading took turns on one core while
the other stayed mostly idle (a day's ingest at full scale: ~0.15 s of GX a table, 30
tables, plus GX's 3 s import before the first). A one-day batch is a function of the files
landed for that day: ``read_range`` reads the same rows in any process. So the ``daily``
and one-day ``ingest`` commands start a worker process (``start``) that reads and validates
every table's day, in the order the steps run, while the Dagster run starts and loads. A
step then takes its table's outcome from the worker (``take``) once it has made sure the
worker validated exactly the batch it loaded: the same files and counts, the same rows
and the same usual volumes, compared by fingerprint. With no worker, another day, any
difference, or a worker that failed, the step validates the batch itself, as it always
did: the worker can only save time, never change an outcome.

GX's own results (kept for Data Docs) wait in the worker until the run is known: after the
run (``finish``) the worker stores those of the tables whose outcome a step took, under the
run's id, as the steps would have.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.batch_suite import batch_rows
from pipelines.loading import TableLoad
from quality.runner import ExpectationOutcome, SuiteOutcome, gx_project_dir
from quality.suites import contract_suite
from sources.config import DataPaths
from sources.contracts import TableContract

POLL_SECONDS = 0.01
# How long a step waits for one table's outcome before validating the batch itself: a
# worker that hangs costs a step this much, never the run.
WAIT_LIMIT_SECONDS = 300.0
REQUEST = "request.json"


@dataclass
class Prevalidation:
    """The running worker of one day, seen from the ingest's process."""

    day: dt.date
    landing: Path
    folder: Path
    process: subprocess.Popen[bytes]
    taken: list[str] = field(default_factory=list)
    run_id: str | None = None


_ACTIVE: list[Prevalidation] = []  # the worker this process started, while it runs
_LOCK = threading.Lock()


def fingerprint(contract: TableContract, load: TableLoad, usual: dict[dt.date, float]) -> str:
    """What the suite's outcome depends on: the files and their counts, the rows the suite
    reads and the usual volumes the day is judged against."""
    digest = hashlib.sha256()
    files = [[f.path, f.partition_date.isoformat(), f.landed, f.loaded, f.quarantined]
             for f in load.files]
    judged = sorted((day.isoformat(), value) for day, value in usual.items())
    digest.update(json.dumps([contract.table_name, files, judged]).encode())
    rows = batch_rows(contract, load)
    digest.update(f"{rows.height}:{load.quarantined.height}".encode())
    digest.update(rows.hash_rows(seed=0).to_numpy().tobytes())
    return digest.hexdigest()


def usual_volumes(build_db: Path, day: dt.date) -> dict[str, dict[dt.date, float]]:
    """Each table's usual volume for ``day``, as its ingest step will read it: the step
    reads it before writing its own table, and no other step writes that table's history."""
    import duckdb

    from pipelines.ingest_volume import usual_daily_rows
    from sources.registry import CONTRACTS

    if not build_db.exists():
        return {}
    try:
        with duckdb.connect(str(build_db), read_only=True) as con:
            return {c.table_name: usual_daily_rows(con, c.table_name, day, day)
                    for c in CONTRACTS}
    except duckdb.Error:  # held by another writer: the steps will find other volumes and
        return {}  # validate themselves (if the run can open it at all)


def start(paths: DataPaths, day: dt.date) -> Prevalidation:
    """Start validating ``day``'s batches of every table in a worker process, unless one
    already works on that day of this landing zone. The usual volumes are read here,
    before the run: the worker leaves the build database alone, as the run writes to it."""
    with _LOCK:
        if _ACTIVE and (_ACTIVE[0].day, _ACTIVE[0].landing) == (day, paths.landing):
            return _ACTIVE[0]
    usual = usual_volumes(paths.build_db, day)
    folder = paths.root / "quality" / "prevalidation" / uuid.uuid4().hex
    folder.mkdir(parents=True)
    request = {
        "day": day.isoformat(),
        "landing": str(paths.landing),
        # where the run's steps store GX's results (run_ingest points the data directory
        # setting at this one)
        "results_dir": str(gx_project_dir(paths.root)),
        "usual": {table: {d.isoformat(): v for d, v in days.items()}
                  for table, days in usual.items()},
    }
    (folder / REQUEST).write_text(json.dumps(request), encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.prevalidation", str(folder)],
        stdin=subprocess.PIPE,
    )
    worker = Prevalidation(day, paths.landing, folder, process)
    with _LOCK:
        _ACTIVE[:] = [worker]
    return worker


def take(
    contract: TableContract,
    load: TableLoad,
    usual: dict[dt.date, float],
    landing: Path,
    day: dt.date,
    run_id: str,
) -> SuiteOutcome | None:
    """The worker's outcome for this one-day batch, waiting for it if need be; None when
    there is no worker for this landing zone and day, or it validated another batch."""
    with _LOCK:
        worker = _ACTIVE[0] if _ACTIVE else None
    if worker is None or worker.day != day or worker.landing != landing:
        return None
    found = _wait_for(worker, contract.table_name)
    if found is None or found["fingerprint"] != fingerprint(contract, load, usual):
        return None
    specs = contract_suite(contract)
    outcomes = [ExpectationOutcome(specs[index], success, observed)
                for index, success, observed in found["outcomes"]]
    with _LOCK:
        worker.taken.append(contract.table_name)
        worker.run_id = run_id
    return SuiteOutcome(contract.table_name, outcomes)


def _wait_for(worker: Prevalidation, table: str) -> dict[str, Any] | None:
    """The worker's finding for a table; None if it ended without one (it failed) or took
    longer than ``WAIT_LIMIT_SECONDS``."""
    path = worker.folder / f"{table}.json"
    deadline = time.monotonic() + WAIT_LIMIT_SECONDS
    while not path.exists():
        if worker.process.poll() is not None and not path.exists():
            return None
        if time.monotonic() > deadline:
            return None
        time.sleep(POLL_SECONDS)
    return json.loads(path.read_text(encoding="utf-8"))


def finish() -> None:
    """Tell the worker which outcomes were taken in which run, so it stores their GX
    results, and let it end; a thread waits for it (the process exits after it)."""
    with _LOCK:
        worker = _ACTIVE.pop() if _ACTIVE else None
    if worker is None:
        return
    message = {"run_id": worker.run_id, "taken": worker.taken} if worker.run_id else {}
    try:
        assert worker.process.stdin is not None
        worker.process.stdin.write((json.dumps(message) + "\n").encode())
        worker.process.stdin.close()
    except OSError:  # the worker already ended
        pass
    threading.Thread(target=_reap, args=(worker,), name="prevalidation-reaper").start()


def _reap(worker: Prevalidation) -> None:
    worker.process.wait()
    for path in worker.folder.iterdir():
        path.unlink(missing_ok=True)
    worker.folder.rmdir()


# ---- the worker ------------------------------------------------------------------------------


def work(folder: Path) -> None:
    """Validate every table's day, in step order; then store the GX results the run took."""
    from pipelines.batch_suite import validate_batch
    from pipelines.gc_settings import hold, settle
    from pipelines.loading import read_range
    from quality.runner import _run_identifier, store_result
    from sources.registry import CONTRACTS

    hold()  # until the first table has imported Great Expectations

    request = json.loads((folder / REQUEST).read_text(encoding="utf-8"))
    day = dt.date.fromisoformat(request["day"])
    landing = Path(request["landing"])
    results: dict[str, list[Any]] = {}
    # the ingest steps run in the order of their keys (raw__<table>)
    for contract in sorted(CONTRACTS, key=lambda c: c.table_name):
        load = read_range(landing, contract, day, day)
        usual = {dt.date.fromisoformat(d): v
                 for d, v in request["usual"].get(contract.table_name, {}).items()}
        collected: list[Any] = []
        outcome = validate_batch(contract, load, "", usual, collected=collected)
        settle()  # Great Expectations (imported by the first) and the results stay
        results[contract.table_name] = collected
        specs = contract_suite(contract)
        found = {
            "fingerprint": fingerprint(contract, load, usual),
            "outcomes": [[specs.index(o.spec), o.success, o.observed] for o in outcome.outcomes],
        }
        _write_atomically(folder / f"{contract.table_name}.json", json.dumps(found))
    message = json.loads(sys.stdin.readline() or "{}")
    if message.get("run_id"):
        run = _run_identifier(message["run_id"])
        for table in message["taken"]:
            for result in results.get(table, []):
                store_result(Path(request["results_dir"]), result, run)


def _write_atomically(path: Path, text: str) -> None:
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(text, encoding="utf-8")
    os.replace(staging, path)


if __name__ == "__main__":
    work(Path(sys.argv[1]))
