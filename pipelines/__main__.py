"""Command line of the pipeline: ``python -m pipelines build|daily|ingest|transform``.

``build`` ingests and transforms; ``ingest`` and ``transform`` are its two halves, the two
runs the daemon makes each night (the daily ingest job, then transform-and-publish), so an
operator can run one day's refresh step by step. ``daily`` is that refresh in one command
and one process (one start-up, not two): the last landed day, or the day given, ingested,
then transformed and published. The benchmark times it.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import logging
import os
import sys
import threading
from typing import NoReturn

from sources.config import DataPaths, data_paths


def run_ingest(paths: DataPaths, first_day: dt.date | None, last_day: dt.date | None) -> bool:
    """Ingest the days given (default: the last landed day, the daily job's partition)."""
    from pipelines import build

    last_day = last_day or build.landed_range(paths)[1]
    first_day = first_day or last_day
    ok = build.run_ingest(paths, first_day, last_day, raise_on_error=False, prevalidate=True)
    print(f"ingested {first_day} → {last_day}: {'ok' if ok else 'FAILED'}")
    return ok


def run_daily(paths: DataPaths, day: dt.date) -> int:
    """One day's refresh in this process: ingest, transform, publish."""
    from pipelines import dbt_handoff, prevalidation
    from pipelines.gc_settings import hold, settle
    from pipelines.snapshot_base import discard_prepared, prepare_in_background

    hold()  # until Dagster and the definitions are imported

    # first, before Dagster is imported: the worker validating the day's batches has Great
    # Expectations to import, and the first ingest step waits for it
    prevalidation.start(paths, day)
    try:
        # dbt, imported and parsed beside the ingest, waits for the transform's build
        dbt_handoff.start(paths.build_db, paths.warehouse)
        # the next snapshot's base is copied while the ingest leaves a core idle
        prepare_in_background(paths.cockpit_db)
        # the transform's definitions (dbt's manifest, dagster-dbt: ~3 s) are loaded now,
        # while the worker still imports Great Expectations, not between ingest and dbt
        import pipelines.definitions  # noqa: F401
        from pipelines.build import run_build

        settle()  # Dagster and the definitions stay to the end
        result = run_build(paths, day, day, raise_on_error=False, prevalidate=True)
    except BaseException:
        discard_prepared(paths.cockpit_db)
        raise
    finally:
        # the ingest has told the worker already, unless it failed before it ran: then the
        # worker learns no run took its outcomes, ends, and its folder is removed
        try:
            prevalidation.finish()
        finally:
            dbt_handoff.finish()  # a warm dbt process no build took is stopped
    print(
        f"daily {day}: ingest {'ok' if result.ingest_success else 'FAILED'}, "
        f"transform+publish {'ok' if result.transform_success else 'FAILED'}; "
        f"snapshot {paths.cockpit_db}"
    )
    return 0 if result.success else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="ingest every landed day, transform, publish")
    build.add_argument("--data-dir", help="data directory (default: $COCKPIT_DATA_DIR or ./data)")
    build.add_argument("--first-day", type=dt.date.fromisoformat)
    build.add_argument("--last-day", type=dt.date.fromisoformat)
    ingest = commands.add_parser(
        "ingest", help="ingest landed days without transforming (default: the last landed day)"
    )
    ingest.add_argument("--data-dir", help="data directory (default: $COCKPIT_DATA_DIR)")
    ingest.add_argument("--first-day", type=dt.date.fromisoformat)
    ingest.add_argument("--last-day", type=dt.date.fromisoformat)
    daily = commands.add_parser(
        "daily", help="ingest one landed day (default: the last), then transform and publish"
    )
    daily.add_argument("--data-dir", help="data directory (default: $COCKPIT_DATA_DIR)")
    daily.add_argument("--day", type=dt.date.fromisoformat)
    transform = commands.add_parser(
        "transform", help="dbt and publish over what is already ingested (after a model "
        "change or an interrupted build)"
    )
    transform.add_argument("--data-dir", help="data directory (default: $COCKPIT_DATA_DIR)")
    transform.add_argument(
        "--full-refresh", action="store_true",
        help="rebuild the incremental facts from every landed day (after changing them)",
    )
    args = parser.parse_args(argv)

    from pipelines.loading import landed_range

    paths = data_paths(args.data_dir)
    if args.command == "daily":
        return run_daily(paths, args.day or landed_range(paths)[1])

    from pipelines.build import run_build, run_transform

    if args.command == "ingest":
        return 0 if run_ingest(paths, args.first_day, args.last_day) else 1
    if args.command == "transform":
        ok = run_transform(paths, raise_on_error=False, full_refresh=args.full_refresh)
        print(f"transform+publish {'ok' if ok else 'FAILED'}; snapshot {paths.cockpit_db}")
        return 0 if ok else 1
    result = run_build(paths, args.first_day, args.last_day, raise_on_error=False)
    print(
        f"built {result.first_day} → {result.last_day}: ingest "
        f"{'ok' if result.ingest_success else 'FAILED'}, transform+publish "
        f"{'ok' if result.transform_success else 'FAILED'}; snapshot {paths.cockpit_db}"
    )
    return 0 if result.success else 1


def exit_without_teardown(code: int) -> NoReturn:
    """End the process once its work is done and recorded, without the interpreter's
    teardown. Freeing every module and object of Dagster, dbt's manifest and Great
    Expectations took 1-1.7 s of each daily command (py-spy, full scale), work nothing
    needs: as at a normal exit, threads still working (a snapshot copy nobody took) are
    waited for and the exit handlers run; logs and output are flushed; every DuckDB and
    Dagster storage connection was already closed or committed by the run."""
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join()
    atexit._run_exitfuncs()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    exit_without_teardown(main())
