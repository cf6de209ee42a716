"""Run a suite on an ingested batch and keep the outcome in the results history.

Batches are validated as pandas frames, which Great Expectations handles natively: no SQL
adapter or DuckDB shim is involved. The history table ``quality.check_results`` lives in the
build database and is published with the snapshot for the data-operations cockpit.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd

from quality.suites import ExpectationSpec

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


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


def _observed(result: dict[str, Any]) -> str:
    keep = ("observed_value", "unexpected_count", "unexpected_percent", "partial_unexpected_list")
    summary = {key: result[key] for key in keep if key in result}
    return json.dumps(summary, ensure_ascii=False, default=str)[:500]


def run_suite(
    suite_name: str, specs: list[ExpectationSpec], frames: dict[str, pd.DataFrame]
) -> SuiteOutcome:
    """Validate each target frame (``rows``, ``files``) against its expectations."""
    import great_expectations as gx  # slow to import; only runs that validate pay for it

    context = gx.get_context(mode="ephemeral")
    source = context.data_sources.add_pandas("batches")
    outcomes: list[ExpectationOutcome] = []
    for target, frame in frames.items():
        target_specs = [spec for spec in specs if spec.target == target]
        if not target_specs:
            continue
        suite = context.suites.add(gx.ExpectationSuite(name=f"{suite_name}.{target}"))
        for spec in target_specs:
            suite.add_expectation(getattr(gx.expectations, spec.expectation)(**spec.kwargs))
        definition = source.add_dataframe_asset(target).add_batch_definition_whole_dataframe(target)
        result = definition.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
        # GX reports results in its own order; match them back to our specs by configuration.
        for spec, res in zip(target_specs, _ordered(target_specs, result.results), strict=True):
            outcomes.append(ExpectationOutcome(spec, bool(res.success), _observed(res.result)))
    return SuiteOutcome(suite_name, outcomes)


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
