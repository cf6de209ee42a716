"""The Dagster code location: ingest, dbt, quality checks, publishing and schedules.

Importing the package sets two Dagster event-log switches (unless the environment already
chose), so every process that loads the code location — the build CLI, ``dagster dev``'s run
workers, tests — writes events the same way. A first build backfills ~900 daily partitions of
~30 ingest assets; by default Dagster writes one "materialisation planned" event and one
materialisation event per partition, each its own SQLite transaction, which took longer than
the ingest itself. With these switches a ranged run plans one event per asset (covering the
range) and the per-partition materialisations are stored in batches. The trade-off Dagster
documents: partitions of a ranged run that fails show as missing, not failed, in the UI.
"""

import os

DAGSTER_EVENT_SETTINGS = {
    "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS": "true",
    "DAGSTER_EVENT_BATCH_SIZE": "1000",
}

for _name, _value in DAGSTER_EVENT_SETTINGS.items():
    os.environ.setdefault(_name, _value)
