"""SQLite event-log storage that writes a batch of materialisations in one transaction.

A ranged ingest run (the first build backfills ~900 daily partitions of ~30 assets) ends with
one materialisation event per partition. Dagster hands those to the storage as batches when
``DAGSTER_EVENT_BATCH_SIZE`` is set (see ``pipelines/__init__.py``), but its SQLite storage
still stores them one by one, each with a new engine, a connection to the run's file and one
to the index file, and two commits; on two busy cores that measured 30–150 ms per event, so
bookkeeping outlasted the ingest itself. This subclass stores a batch of materialisations of
one run with one connection and one transaction per file. Anything else (run status, checks,
mixed batches) takes Dagster's own path unchanged.

Creating a run stores its planned-asset and planned-check events (one per dbt model and test:
~640 for a transform) as one batch too; Dagster's path gave each a new engine, connections
and commits (~4.5 s at demo scale before the run starts). A batch of one run's planned
events goes through Dagster's own ``store_event``, event by event, with the run file's and
the index file's connections held open for the batch: the same rows, one transaction each.
(An earlier version did that for every batch; the full build's peak memory rose with it,
cause not found, so the backfill's materialisations keep their own path.)

Every other event still goes through one connection at a time, but not a new engine and a
new connection each: Dagster's storage opens the shard's file, commits with an fsync and
closes it (closing the last connection checkpoints the write-ahead log, another fsync) for
every event, two or three files an event. A day's ingest stores ~340 events and a transform
~1,300; on a disk busy with the build database's own writes those fsyncs waited behind it
(profiled: 9 of a demo ingest's 33 s). Here each shard keeps one engine whose connection
stays open (the most recent ``KEPT_SHARDS`` files), and commits run with
``synchronous=NORMAL``: in WAL mode a commit then reaches the disk at the next checkpoint;
a killed process loses nothing, a power cut may lose the last events, never the file.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import Any

import sqlalchemy as sa
from dagster import DagsterEventType
from dagster._core.event_api import EventLogEntry
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy.engine import Connection, Engine

KEPT_SHARDS = 8  # engines kept open: the index file and the runs being written
MATERIALIZATION = frozenset({DagsterEventType.ASSET_MATERIALIZATION})
PLANNED = frozenset({
    DagsterEventType.ASSET_MATERIALIZATION_PLANNED,
    DagsterEventType.ASSET_CHECK_EVALUATION_PLANNED,
})


def _one_runs(events: Sequence[EventLogEntry], types: frozenset[DagsterEventType]) -> bool:
    """Several events, all of one run and all of these types."""
    return (
        len(events) > 1
        and len({event.run_id for event in events}) == 1
        and all(event.is_dagster_event and event.dagster_event_type in types for event in events)
    )


def batchable(events: Sequence[EventLogEntry]) -> bool:
    """Only materialisations of a single run are written the fast way."""
    return _one_runs(events, MATERIALIZATION)


def planned(events: Sequence[EventLogEntry]) -> bool:
    """A new run's planned events: stored with Dagster's own logic, one transaction a file."""
    return _one_runs(events, PLANNED)


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    """Dagster's run-sharded SQLite storage, with batched materialisation writes."""

    _open = threading.local()  # this thread's batch: (run id, run connection, index connection)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._engines: OrderedDict[str, Engine] = OrderedDict()  # before Dagster connects
        self._engines_pid = os.getpid()
        super().__init__(*args, **kwargs)
        # Dagster's storage holds this lock while a connection is open; a planned batch keeps
        # the run file's and the index file's open together, so the thread must re-enter it.
        self._db_lock = threading.RLock()

    @classmethod
    def from_config_value(cls, inst_data: Any, config_value: Any) -> BatchingSqliteEventLogStorage:
        return cls(inst_data=inst_data, **config_value)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if planned(events) and getattr(self._open, "batch", None) is None:
            self._store_in_one_transaction(events)
            return
        if not batchable(events):
            super().store_event_batch(events)
            return
        # The same rows, tags and latest-materialisation entries SqliteEventLogStorage.store_event
        # writes for each materialisation, in one transaction per file.
        statements = [self.prepare_insert_event(event) for event in events]
        with self.run_connection(events[0].run_id) as conn:
            for statement in statements:
                conn.execute(statement)
        with self.index_transaction() as conn:
            event_ids = []
            for statement in statements:
                with db_result(conn, statement) as result:
                    event_ids.append(result.inserted_primary_key[0])
            self._store_asset_event_tags(conn, events, event_ids)
            for event, event_id in zip(events, event_ids, strict=True):
                self._store_asset_event(conn, event, event_id)

    def _store_in_one_transaction(self, events: Sequence[EventLogEntry]) -> None:
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

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        """Dagster's ``_connect`` (one transaction on the shard's file), on a kept engine."""
        with self._db_lock:
            engine = self._engine(shard)
            with engine.connect() as conn, conn.begin():
                yield conn

    def _engine(self, shard: str) -> Engine:
        if self._engines_pid != os.getpid():  # a forked child: never share the parent's files
            self._engines = OrderedDict()
            self._engines_pid = os.getpid()
        engine = self._engines.pop(shard, None)
        if engine is None:
            engine = sa.create_engine(
                self.conn_string_for_shard(shard),
                poolclass=sa.pool.QueuePool,
                pool_size=1,
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            )
            sa.event.listen(engine, "connect", _commit_without_fsync)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > KEPT_SHARDS:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    def _close_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._close_engines()  # wiping deletes the run files these engines hold open
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()

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


def _commit_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    """WAL mode with ``synchronous=NORMAL``: commits skip the fsync, checkpoints keep it."""
    dbapi_connection.execute("pragma synchronous=normal")


@contextmanager
def _already_open(conn: Connection) -> Iterator[Connection]:
    """A connection of the open batch, inside its transaction: committed when it ends."""
    yield conn
