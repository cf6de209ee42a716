"""Run a suite on an ingested batch and keep the outcome in the results history.

Batches are validated as pandas frames, which Great Expectations handles natively: no SQL
adapter or DuckDB shim is involved. The history table ``quality.check_results`` lives in the
build database and is published with the snapshot for the data-operations cockpit.

GX's own validation results are also kept, as JSON in the validation-results store of a
file-backed GX project (``$COCKPIT_DATA_DIR/quality/gx``), so ``quality.data_docs`` renders
Data Docs from the runs that really happened instead of re-running suites.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from quality.suites import ExpectationSpec
from sources.config import DATA_DIR_ENV, data_paths

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

# The GX project (great_expectations.yml, stores) inside a data directory, and its
# validation-results store: GX's default layout, so a file context opened there reads them.
GX_PROJECT_SUBDIR = Path("quality") / "gx"
VALIDATIONS_SUBDIR = Path("uncommitted") / "validations"


def gx_project_dir(data_dir: str | os.PathLike[str] | None = None) -> Path:
    """The GX project directory of a data directory (default: the configured one)."""
    return data_paths(data_dir).root / GX_PROJECT_SUBDIR


def default_results_dir() -> Path | None:
    """Where runs keep their GX results when the caller names no place.

    Only an explicitly configured ``COCKPIT_DATA_DIR`` counts (the pipeline always sets it):
    a bare call, as in a unit test, must not write into ``./data``.
    """
    return gx_project_dir() if os.environ.get(DATA_DIR_ENV) else None


@dataclass(frozen=True)
class ExpectationOutcome:
    spec: ExpectationSpec
    success: bool
    observed: str

    @property
    def blocking_failure(self) -> bool:
        return not self.success and self.spec.severity == "error"


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    outcomes: list[ExpectationOutcome]

    @property
    def passed(self) -> bool:
        """No blocking expectation failed (warnings may have)."""
        return not any(outcome.blocking_failure for outcome in self.outcomes)

    @property
    def failed_warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.spec.severity == "warn"]


# BASIC keeps what the history and Data Docs show (observed value, unexpected count and
# share, up to 20 unexpected values); SUMMARY would add value counts and row indexes of
# the unexpected values, metrics GX computes per expectation: a day's ingest validated its
# 30 suites in 5.2 s with SUMMARY and 3.8 s with BASIC (demo, measured).
RESULT_FORMAT = "BASIC"


def _observed(result: dict[str, Any]) -> str:
    keep = ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list")
    summary = {key: result[key] for key in keep if key in result}
    return json.dumps(summary, ensure_ascii=False, default=str)[:500]


def preload_in_background() -> threading.Thread:
    """Import Great Expectations on a background thread. The import takes ~2.5 s; a
    transform validates only after dbt, which runs as a subprocess for a minute while this
    process waits on its output, so the import costs the run nothing there."""
    thread = threading.Thread(
        target=importlib.import_module, args=("great_expectations",), name="gx-preload",
        daemon=True,
    )
    thread.start()
    return thread


def run_suite(
    suite_name: str,
    specs: list[ExpectationSpec],
    frames: dict[str, pd.DataFrame],
    *,
    keep_results: bool = True,
    results_dir: str | os.PathLike[str] | None = None,
    run_name: str | None = None,
    collected: list[Any] | None = None,
) -> SuiteOutcome:
    """Validate each target frame (``rows``, ``files``) against its expectations.

    With ``keep_results`` each GX result is stored under ``results_dir`` (a GX project
    directory; default ``default_results_dir()``, i.e. nowhere when no data directory is
    configured), keyed by suite, ``run_name`` (e.g. the Dagster run id) and time. Given
    ``collected``, the results are appended to it instead, for the caller to store once
    it knows the run (``store_result``).
    """
    import great_expectations as gx  # slow to import; only runs that validate pay for it

    keep_in = Path(results_dir) if results_dir is not None else default_results_dir()
    run_id = _run_identifier(run_name)
    outcomes: list[ExpectationOutcome] = []
    with _VALIDATING:
        for target, frame in frames.items():
            target_specs = [spec for spec in specs if spec.target == target]
            if not target_specs:
                continue
            expectations = [
                getattr(gx.expectations, s.expectation)(**s.kwargs) for s in target_specs
            ]
            # validated as it stands: joining the context would store a copy we never read
            suite = gx.ExpectationSuite(name=f"{suite_name}.{target}", expectations=expectations)
            batch = _batch_definition(target).get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(suite, result_format=RESULT_FORMAT)
            if collected is not None:
                collected.append(result)
            elif keep_results and keep_in is not None:
                store_result(keep_in, result, run_id)
            # GX reports results in its own order; match them back to our specs by configuration.
            ordered = _ordered(target_specs, result.results)
            for spec, res in zip(target_specs, ordered, strict=True):
                outcomes.append(ExpectationOutcome(spec, bool(res.success), _observed(res.result)))
    return SuiteOutcome(suite_name, outcomes)


# One GX context per process, and one batch definition per target frame name, made on first
# use: made anew for every suite, each datasource, asset and batch definition added
# re-serialised the context's whole configuration to YAML (~40 ms of a table's ~190 ms suite,
# measured). GX contexts are not thread-safe, so validations take turns; one at a time is what
# the ingest runs anyway (its validator thread), and GX holds the interpreter while it works.
_VALIDATING = threading.Lock()
_SOURCE: list[Any] = []  # the process's pandas datasource, once made
_DEFINITIONS: dict[str, Any] = {}


def _batch_definition(target: str) -> Any:
    """The process's batch definition of a target frame (call with ``_VALIDATING`` held)."""
    if target not in _DEFINITIONS:
        if not _SOURCE:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            context = gx.get_context(mode="ephemeral")
            # No tqdm bar per expectation: a build validates ~30 batches and the bars drown
            # its log.
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            _SOURCE.append(context.data_sources.add_pandas("batches"))
        asset = _SOURCE[0].add_dataframe_asset(target)
        _DEFINITIONS[target] = asset.add_batch_definition_whole_dataframe(target)
    return _DEFINITIONS[target]


def _run_identifier(run_name: str | None) -> Any:
    from great_expectations.core.run_identifier import RunIdentifier

    return RunIdentifier(run_name=run_name, run_time=dt.datetime.now(dt.UTC))


def store_result(project_dir: Path, result: Any, run_id: Any) -> Path:
    """Write one ``ExpectationSuiteValidationResult`` into the project's results store.

    ``Batch.validate`` leaves out the run metadata a ``ValidationDefinition`` would add; it
    is added here as GX does, so the Data Docs pages show the run's name and time. The
    store backend is GX's own, hence GX's file layout (suite/run name/run time/batch).
    """
    from great_expectations.data_context.store import ValidationResultsStore
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    result.meta["run_id"] = run_id
    result.meta["validation_time"] = run_id.run_time
    store = ValidationResultsStore(
        store_backend={
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(project_dir / VALIDATIONS_SUBDIR),
            # the id file is written on first use; parallel ingest steps would race for it
            "suppress_store_backend_id": True,
        }
    )
    key = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
        run_id=run_id,
        batch_identifier=result.batch_id,
    )
    return Path(store.set(key, result))


def _ordered(specs: list[ExpectationSpec], results: list[Any]) -> list[Any]:
    remaining = list(results)
    ordered = []
    for spec in specs:
        for index, res in enumerate(remaining):
            config = res.expectation_config
            if _snake(spec.expectation) == config.type and all(
                config.kwargs.get(key) == value for key, value in spec.kwargs.items()
            ):
                ordered.append(remaining.pop(index))
                break
        else:
            raise RuntimeError(f"no result for expectation {spec.label}")
    return ordered


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


def record_outcome(
    con: duckdb.DuckDBPyConnection,
    outcome: SuiteOutcome,
    *,
    asset_key: str,
    run_id: str,
    partition_start: dt.date | None,
    partition_end: dt.date | None,
) -> None:
    """Append one suite run to ``quality.check_results``."""
    con.execute("create schema if not exists quality")
    con.execute(
        "create table if not exists quality.check_results (run_id varchar, checked_at timestamp, "
        "asset_key varchar, suite varchar, expectation varchar, column_name varchar, "
        "severity varchar, success boolean, observed varchar, partition_start date, "
        "partition_end date)"
    )
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con.executemany(
        "insert into quality.check_results values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                run_id,
                checked_at,
                asset_key,
                outcome.suite,
                o.spec.label,
                o.spec.column,
                o.spec.severity,
                o.success,
                o.observed,
                partition_start,
                partition_end,
            )
            for o in outcome.outcomes
        ],
    )
