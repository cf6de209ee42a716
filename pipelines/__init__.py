"""The Dagster code location: ingest, dbt, quality checks, publishing and schedules.

Importing the package sets environment defaults (unless the environment already chose), so
every process that loads the code location — the build CLI, ``dagster dev``'s run workers,
tests — and every process they start (dbt, the validation worker) runs the same way.

Two Dagster event-log switches. A first build backfills ~900 daily partitions of ~30 ingest
assets; by default Dagster writes one "materialisation planned" event and one materialisation
event per partition, each its own SQLite transaction, which took longer than the ingest
itself. With these switches a ranged run plans one event per asset (covering the range) and
the per-partition materialisations are stored in batches. The trade-off Dagster documents:
partitions of a ranged run that fails show as missing, not failed, in the UI.

DuckDB's memory allocator (its built-in jemalloc, configured by ``DUCKDB_JE_MALLOC_CONF``).
By default it hands freed pages back to the system after a second, and their last stage at
once; the next query then faults every page in again and the kernel zeroes it. In a
full-scale daily run that was ~6 s of the dbt process's CPU in the kernel's page clearing
(perf), on a machine whose two cores the run keeps busy. Freed pages are now kept for 30 s,
so one model's memory serves the next. The variable is read when DuckDB is loaded, so it
must be set before ``import duckdb``: this package is imported first by every entry point.
"""

import os

DAGSTER_EVENT_SETTINGS = {
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true",
    "DAGSTER_EVENT_BATCH_SIZE": "1000",
}

DUCKDB_ALLOCATOR_SETTINGS = {
    "DUCKDB_JE_MALLOC_CONF": "dirty_decay_ms:30000,muzzy_decay_ms:30000",
}

for _name, _value in {**DAGSTER_EVENT_SETTINGS, **DUCKDB_ALLOCATOR_SETTINGS}.items():
    os.environ.setdefault(_name, _value)
