"""Freshness of every source table and system: is each one still sending?

Pure logic, free of Dagster (the cockpit imports it too, and importing Dagster costs seconds):
given, per table, the newest day it delivered a file and the newest day it delivered rows,
say how many days each table lags the reference day and whether it is green (on time), amber
(late) or red (stalled: the system has stopped sending). The Dagster freshness checks
(``pipelines.quality_job``) and the data-operations cockpit call the same functions with the
same thresholds, so both always agree.

The reference day is the landing zone's own clock, the newest day any system delivered, not
today's date: a simulated scenario that ends in 2022 is not stale, but one system that stops
while the others go on is.

What "delivered" means depends on the contract. Event tables (``rows_every_day``) bring rows
every day, so their clock is the newest day with rows: a system still sending empty files
has stopped too. Registers and other quiet-by-design tables send a file every day but rows
only when something changed, so their clock is the newest file, even an empty one (an empty
daily export is their heartbeat).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from sources.contracts import TableContract
from sources.registry import CONTRACTS

State = Literal["green", "amber", "red"]
Measure = Literal["rows", "files"]
STATES: tuple[State, ...] = ("green", "amber", "red")  # best to worst


@dataclass(frozen=True)
class LagPolicy:
    """How far behind the reference day a table may be, in whole days.

    green while ``lag <= late_after_days``; amber (late) up to ``stalled_after_days``; red
    (stalled) beyond, or when the table never delivered at all.
    """

    measure: Measure = "rows"
    late_after_days: int = 0
    stalled_after_days: int = 2

    def __post_init__(self) -> None:
        if not 0 <= self.late_after_days <= self.stalled_after_days:
            raise ValueError("need 0 <= late_after_days <= stalled_after_days")

    def state(self, lag_days: int | None) -> State:
        if lag_days is None or lag_days > self.stalled_after_days:
            return "red"
        return "green" if lag_days <= self.late_after_days else "amber"


# ---- the one place the allowed lag is configured -------------------------------------------
# Every system is expected to land yesterday's exports by the 02:00 ingest; one day behind
# the others is late, more than two is a system that stopped sending.
EVENT_POLICY = LagPolicy(measure="rows")
# Quiet-by-design tables (``rows_every_day=False``): judged on their daily file, not rows.
QUIET_POLICY = LagPolicy(measure="files")
# Per-table exceptions, by raw table name, e.g. a register that only exports on working
# days: ``"organisation_staff": LagPolicy(measure="files", late_after_days=3,
# stalled_after_days=5)``. Empty while every system sends a file every day.
TABLE_POLICIES: dict[str, LagPolicy] = {}


def policy_for(contract: TableContract) -> LagPolicy:
    """The table's own policy if configured, else the one its contract implies."""
    default = EVENT_POLICY if contract.rows_every_day else QUIET_POLICY
    return TABLE_POLICIES.get(contract.table_name, default)


@dataclass(frozen=True)
class Delivery:
    """The newest day a table delivered a file (even empty) and rows; None if never."""

    table: str
    last_file_day: dt.date | None
    last_rows_day: dt.date | None


@dataclass(frozen=True)
class TableFreshness:
    table: str
    system: str
    last_day: dt.date | None  # on the policy's measure
    lag_days: int | None  # behind the reference day; None when never delivered
    state: State
    policy: LagPolicy


@dataclass(frozen=True)
class SystemFreshness:
    """A system is as fresh as its stalest table: one silent table is a broken feed."""

    system: str
    last_day: dt.date | None  # the day every table of the system has reached
    lag_days: int | None
    state: State
    late_tables: tuple[str, ...]  # tables not green, stalest first


# Per table: the newest day with a file and with rows, from the ingest file log (one row per
# landed file, empty files included). The cockpit runs the same query on the snapshot.
LATEST_DAYS_SQL = """
select table_name, max(partition_date) as last_file_day,
       max(partition_date) filter (where landed > 0) as last_rows_day
from meta.ingest_files group by 1 order by 1
"""


def deliveries_from_rows(rows: Iterable[Sequence[object]]) -> list[Delivery]:
    """``LATEST_DAYS_SQL`` rows (table, last file day, last rows day) as deliveries."""
    return [Delivery(str(row[0]), _as_date(row[1]), _as_date(row[2])) for row in rows]


def reference_day(deliveries: Iterable[Delivery]) -> dt.date | None:
    """The landing zone's clock: the newest day any table delivered a file."""
    days = [d.last_file_day for d in deliveries if d.last_file_day is not None]
    return max(days) if days else None


def assess(
    deliveries: Iterable[Delivery],
    reference: dt.date | None = None,
    contracts: Sequence[TableContract] = CONTRACTS,
    policies: Mapping[str, LagPolicy] | None = None,
) -> list[TableFreshness]:
    """Lag and state of every contracted table, in contract order.

    ``reference`` defaults to the newest day delivered; a table missing from ``deliveries``
    never delivered and is red. ``policies`` (by table name) replace ``policy_for``.
    """
    by_table = {d.table: d for d in deliveries}
    reference = reference or reference_day(by_table.values())
    assessed = []
    for contract in contracts:
        policy = (policies or {}).get(contract.table_name) or policy_for(contract)
        delivery = by_table.get(contract.table_name)
        last = _measured_day(delivery, policy.measure) if delivery else None
        lag = (reference - last).days if reference and last else None
        assessed.append(
            TableFreshness(contract.table_name, contract.system, last, lag,
                           policy.state(lag), policy)
        )
    return assessed


def by_system(tables: Iterable[TableFreshness]) -> list[SystemFreshness]:
    """One row per system, worst state first, then by name."""
    grouped: dict[str, list[TableFreshness]] = {}
    for table in tables:
        grouped.setdefault(table.system, []).append(table)
    systems = [_system(name, members) for name, members in grouped.items()]
    return sorted(systems, key=lambda s: (-STATES.index(s.state), s.system))


def worst(states: Iterable[State]) -> State:
    return max(states, key=STATES.index, default="green")


def _system(name: str, members: list[TableFreshness]) -> SystemFreshness:
    never = any(m.last_day is None for m in members)
    last = None if never else min(m.last_day for m in members if m.last_day is not None)
    lags = [m.lag_days for m in members if m.lag_days is not None]
    late = sorted((m for m in members if m.state != "green"),
                  key=lambda m: (m.lag_days is not None, -(m.lag_days or 0), m.table))
    return SystemFreshness(
        system=name,
        last_day=last,
        lag_days=None if never or not lags else max(lags),
        state=worst(m.state for m in members),
        late_tables=tuple(m.table for m in late),
    )


def _measured_day(delivery: Delivery, measure: Measure) -> dt.date | None:
    return delivery.last_rows_day if measure == "rows" else delivery.last_file_day


def _as_date(value: object) -> dt.date | None:
    """A date from DuckDB or pandas (``date``, ``Timestamp``, NaT/None)."""
    if value is None or value != value:  # None, NaN, NaT
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    to_date = getattr(value, "date", None)
    return to_date() if callable(to_date) else dt.date.fromisoformat(str(value)[:10])
