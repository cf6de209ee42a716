"""What one system hands to another inside the simulated city.

The closed loop is causal: a warning, a 12345 ticket, a drone finding or a granted approval
asks a department to inspect an entity (a ``Trigger``); an inspection, a ticket, a finding, a
grid patrol or a warning can reveal a violation that goes to the clue centre (a ``Clue``). The
engine carries both from the generator that raises them to the one that acts on them, across
month boundaries, so that the exported records reference each other the way real records do.
Entities and departments are indices into ``World.entities`` and ``World.departments.codes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import polars as pl


@dataclass(frozen=True)
class Clue:
    """A suspected violation handed to the clue centre (线索中心) of unified case handling.

    ``ref_id`` is the number of the record that raised it (an inspection task, a 12345 ticket,
    a drone finding, a warning, a grid event): the clue and its case keep it, so an auditor
    can follow the chain back. ``found`` is the day the violation was seen, ``handed_over``
    the day the clue reached the clue centre (never before ``found``).
    """

    ref_id: str
    entity: int
    dept: int
    found: date
    handed_over: date
    source: str = "INSPECTION"  # INSPECTION | COMPLAINT | DRONE | WARNING | SUPERIOR | GRID


@dataclass(frozen=True)
class Trigger:
    """A signal that asks a department to inspect one entity by a due day.

    Raised by an early warning, a 12345 ticket, a drone finding, or an approval pushed to its
    supervisor (the first post-licence inspection, 审管联动). The inspection generator turns
    each into a task whose ``trigger_ref`` is ``ref_id``. ``partners`` asks for a joint visit
    with those departments; ``scripted_result`` fixes the outcome for the scenario's scripted
    stories (``None``: drawn like any other triggered task).
    """

    source: str  # WARNING | COMPLAINT | DRONE | APPROVAL
    ref_id: str
    entity: int
    dept: int
    raised: date
    due: date
    partners: tuple[int, ...] = ()
    scripted_result: str | None = None  # COMPLIANT | RECTIFY | CLUE


@dataclass(frozen=True)
class Sanctioned:
    """Entities whose own records cost them credit (信用): a penalty decided against them, an
    inspection of theirs that failed. ``kind`` names the outcome (``credit.SANCTION_POINTS``
    weighs it), ``entity`` holds market-register indices and ``day`` the outcome's day (epoch
    days or ``datetime64[D]``), so the credit class of the month it falls in moves with it.
    """

    kind: str  # PENALTY | FAILED_INSPECTION
    entity: np.ndarray
    day: np.ndarray


@dataclass
class SystemMonth:
    """One month of one system, as the engine files it for export.

    ``rows``: per table name, row dicts for the row writer (CSV or JSON Lines; each row holds
    its ``updated_at`` as ``YYYY-MM-DD HH:MM:SS`` text and is exported in that day's folder).
    ``frames``: per table name, one typed polars frame per export day for the frame writer
    (high-volume CSV or Parquet tables). ``records``: records created in the month per table
    (applications received, events logged), for the run's report. ``clues`` and
    ``triggers``: what the month hands to the clue centre and to inspection. ``sanctioned``:
    the outcomes that cost entities credit, for the credit classification.
    """

    rows: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    frames: dict[str, dict[date, pl.DataFrame]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)
    clues: list[Clue] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    sanctioned: list[Sanctioned] = field(default_factory=list)
