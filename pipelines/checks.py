"""Great Expectations on the built warehouse, as a blocking Dagster asset check.

The check hangs on ``indicators/values`` (no longer the last dbt model: the two summaries
over it come after, and the check reads neither) and reads the marts and indicators the
warehouse suite names; ``published/cockpit_snapshot`` waits for it,
and a blocking failure is also recorded in ``quality.check_results``, where ``publish``
looks before swapping a snapshot in.
The expectations themselves live in ``quality.warehouse``; here is only the wiring.
"""

import dagster as dg

from pipelines.resources import Warehouse
from quality.runner import SuiteOutcome, record_outcome, run_suite
from quality.warehouse import SUITE_NAME, warehouse_frames, warehouse_suite

VALUES_KEY = dg.AssetKey(["indicators", "values"])


def suite_check_result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    """Passed only when nothing failed; ERROR when a blocking expectation did, else WARN."""
    failed_blocking = [o.spec.label + f" [{o.spec.target}]" for o in outcome.outcomes
                       if o.blocking_failure]
    failed_warnings = [o.spec.label + f" [{o.spec.target}]" for o in outcome.failed_warnings]
    return dg.AssetCheckResult(
        passed=not failed_blocking and not failed_warnings,
        severity=dg.AssetCheckSeverity.ERROR if failed_blocking else dg.AssetCheckSeverity.WARN,
        metadata={
            "expectations": len(outcome.outcomes),
            "failed_blocking": failed_blocking,
            "failed_warnings": failed_warnings,
            "observed": {o.spec.label + f" [{o.spec.target}]": o.observed
                         for o in outcome.outcomes if not o.success},
        },
    )


def validate_warehouse(warehouse: Warehouse, run_id: str) -> SuiteOutcome:
    """Run the warehouse suite on the build database and record it in the history."""
    with warehouse.connect() as con:
        outcome = run_suite(SUITE_NAME, warehouse_suite(), warehouse_frames(con), run_name=run_id)
        record_outcome(con, outcome, asset_key=VALUES_KEY.to_user_string(), run_id=run_id,
                       partition_start=None, partition_end=None)
    return outcome


@dg.asset_check(
    asset=VALUES_KEY,
    name="warehouse_suite",
    description="Rates in [0, 1], regular categories present this month, no negative "
    "durations (blocking); volumes within a band of recent months (warning).",
    blocking=True,
)
def warehouse_suite_check(
    context: dg.AssetCheckExecutionContext, warehouse: Warehouse
) -> dg.AssetCheckResult:
    return suite_check_result(validate_warehouse(warehouse, context.run.run_id))
