"""SQLite event-log storage that writes a batch of events in one transaction per file.

Dagster hands its storage batches of events: the materialisations a ranged ingest run ends
with (one per daily partition, when ``DAGSTER_EVENT_BATCH_SIZE`` is set, see
``pipelines/__init__.py``) and the planned-asset and planned-check events of a new run (one
per dbt model and test: ~640 for a transform). Its SQLite storage still stores them one by
one, each with a new engine, connections to the run's file and to the index file, and a
commit on each; on two busy cores that measured 10-150 ms per event, so bookkeeping
outlasted the ingest itself, and creating a transform run took ~7 s at demo scale.

This subclass stores a batch of one run's events with Dagster's own ``store_event``, event by
event, but hands it one open connection per file for the whole batch: the same rows, one
transaction each. Single events and batches spanning runs take Dagster's path unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

from dagster._core.event_api import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from sqlalchemy.engine import Connection


def batchable(events: Sequence[EventLogEntry]) -> bool:
    """Several events of a single run are written in one transaction per file."""
    return len(events) > 1 and len({event.run_id for event in events}) == 1


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite storage, with one transaction per file per batch."""

    _open = threading.local()  # this thread's batch: (run id, run connection, index connection)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Dagster's storage holds this lock while a connection is open; a batch keeps the run
        # file's and the index file's open together, so the thread must be able to re-enter.
        self._db_lock = threading.RLock()

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not batchable(events) or getattr(self._open, "batch", None) is not None:
            super().store_event_batch(events)
            return
        run_id = events[0].run_id
        with ExitStack() as stack:
            run_conn = stack.enter_context(super().run_connection(run_id))
            index_conn = stack.enter_context(super().index_connection())
            self._open.batch = (run_id, run_conn, index_conn)
            try:
                for event in events:
                    self.store_event(event)
            finally:
                self._open.batch = None

    def run_connection(self, run_id: str | None = None) -> Any:
        batch = getattr(self._open, "batch", None)
        if batch is not None and batch[0] == run_id:
            return _already_open(batch[1])
        return super().run_connection(run_id)

    def index_connection(self) -> Any:
        batch = getattr(self._open, "batch", None)
        if batch is not None:
            return _already_open(batch[2])
        return super().index_connection()


@contextmanager
def _already_open(conn: Connection) -> Iterator[Connection]:
    """A connection of the batch, in its transaction: committed when the batch ends."""
    yield conn
