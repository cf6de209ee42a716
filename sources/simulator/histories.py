"""Record histories: a register's records as dated versions, exported as state rows.

Shared by the registers (organisation, items): a record has a version on each day it
changed; its export is a snapshot on the first export day (taken at 00:30) and one state
row on each later day it changed, on a working day at an office hour.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

import numpy as np

from sources.simulator import sampling
from sources.simulator.formats import Row

LOAD_SECONDS = 30 * 60  # the initial full export is taken at 00:30

@dataclass
class History:
    """One record: the state it was created with and its dated changes."""

    key: str
    created: date
    seconds: int  # time of day the record was created, in seconds
    state: Row
    patches: list[tuple[date, int, Row]] = field(default_factory=list)

    def change(self, day: date, seconds: int, **values: object) -> None:
        if day < self.created:
            raise ValueError(f"{self.key}: a change on {day} before the record existed")
        self.patches.append((day, seconds, values))


def stamp(day: date, seconds: int) -> str:
    return f"{day.isoformat()} {seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def export_histories(histories: list[History], start: date, end: date) -> dict[date, list[Row]]:
    """Rows per export day: the state as of ``start`` on ``start``, then each day's change."""
    out: dict[date, list[tuple[str, str, Row]]] = defaultdict(list)
    for history in histories:
        for day, row in versions(history, start, end):
            out[day].append((str(row["updated_at"]), history.key, row))
    return {day: [row for *_, row in sorted(rows, key=lambda r: r[:2])]
            for day, rows in sorted(out.items())}


def versions(history: History, start: date, end: date) -> list[tuple[date, Row]]:
    """A record's exported rows; same-day changes collapse into one row of that day."""
    # Stable by day: same-day changes apply in the order they happened.
    events = sorted([(history.created, history.seconds, history.state), *history.patches],
                    key=lambda e: e[0])
    state: Row = {}
    snapshot: tuple[Row, int] | None = None
    rows: list[tuple[date, Row]] = []
    for day, group in groupby(events, key=lambda e: e[0]):
        if day > end:
            break
        changes = list(group)
        for _, _, values in changes:
            state.update(values)
        seconds = max(s for _, s, _ in changes)
        if day <= start:
            snapshot = (dict(state), seconds if day == start else LOAD_SECONDS)
        else:
            rows.append((day, {**state, "updated_at": stamp(day, seconds)}))
    if snapshot is not None:
        rows.insert(0, (start, {**snapshot[0], "updated_at": stamp(start, snapshot[1])}))
    return rows


def working_day(rng: np.random.Generator, first: date, last: date, a: float = 1.0,
                b: float = 1.0) -> date:
    """A working day between ``first`` and ``last`` (beta-shaped); weekends move to Monday."""
    span = max((last - first).days, 0)
    day = first + timedelta(days=int(round(rng.beta(a, b) * span)))
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def office_second(rng: np.random.Generator) -> int:
    return int(sampling.office_seconds(rng, 1)[0])


# --- teams -----------------------------------------------------------------------------------
