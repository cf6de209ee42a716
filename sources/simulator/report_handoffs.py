"""What reports from residents hand on: 12345 tickets and grid events → clues and inspections.

A ticket about a business is handled by its department; when the complaint reveals a
violation it goes to the clue centre (a ``Clue`` with the ticket number), and under the
reform a complaint about a business more and more often sends a joint inspection to it (a
``Trigger``). A grid event escalated out of the grid — an illegal building, a polluting
workshop, a food stall — becomes a clue when the department finds a violation on site.
Draws come from sub-streams of the systems' own streams, so adding a handoff never shifts
the exported tickets or events.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from sources.simulator import grids as gl
from sources.simulator.handoffs import Clue, Trigger
from sources.simulator.world import Stream, World

DAY = 86_400
EPOCH_DAY = date(1970, 1, 1).toordinal()
HANDOFF_LABEL = 1  # sub-stream of each system's monthly stream
COMPLAINT_INSPECTION_DUE_DAYS = 10
# Share of tickets about a business that send an inspection, before and after the reform.
COMPLAINT_TRIGGER_SHARE = (0.05, 0.13)
# Grid event type -> share of escalated events that become a clue, and the party's trade.
GRID_CLUES: dict[str, tuple[float, str]] = {
    "ILLEGAL_CONSTRUCTION": (0.30, "CONSTRUCTION"), "ENVIRONMENT": (0.12, "MANUFACTURING"),
    "FOOD_SAFETY": (0.15, "CATERING"), "SANITATION": (0.03, "CATERING"),
    "PUBLIC_ORDER": (0.05, "LEISURE"), "SAFETY_HAZARD": (0.04, "MANUFACTURING"),
    "FIRE_HAZARD": (0.04, "RETAIL"),
}


def _day(epoch_day: int) -> date:
    return date.fromordinal(EPOCH_DAY + int(epoch_day))


def complaint_clues(rng: np.random.Generator, world: World, tickets: dict[str, np.ndarray],
                    end: date) -> list[Clue]:
    """Tickets verified as violations: handed to the clue centre 1–15 days after handling."""
    rows = np.flatnonzero(tickets["clue"])
    handled_day = tickets["handled"][rows] // DAY
    handed_day = handled_day + rng.integers(1, 16, len(rows))
    entity = gl.entity_in_town(world, tickets["town"][rows], tickets["industry"][rows], rng)
    keep = handed_day <= end.toordinal() - EPOCH_DAY
    return [
        Clue(ref_id=no, entity=e, dept=d, found=_day(h), handed_over=_day(f),
             source="COMPLAINT")
        for no, e, d, h, f in zip(
            tickets["no"][rows][keep].tolist(), entity[keep].tolist(),
            tickets["dept"][rows][keep].tolist(), handled_day[keep].tolist(),
            handed_day[keep].tolist(), strict=True)
    ]


def complaint_triggers(world: World, month_label: int, tickets: dict[str, np.ndarray],
                       about_business: np.ndarray, progress: float, end: date) -> list[Trigger]:
    """Tickets about a business that send an inspection, raised on the day it was signed.

    ``about_business`` flags the tickets whose category concerns a trade; a ticket that
    already went to the clue centre sends none (the case handles it).
    """
    rng = world.rng(Stream.COMPLAINTS, month_label, HANDOFF_LABEL)
    n = len(tickets["no"])
    before, after = COMPLAINT_TRIGGER_SHARE
    share = before + (after - before) * progress
    signed_day = tickets["signed"] // DAY
    chosen = (about_business & ~tickets["clue"] & (rng.random(n) < share)
              & (signed_day <= end.toordinal() - EPOCH_DAY))
    rows = np.flatnonzero(chosen)
    entity = gl.entity_in_town(world, tickets["town"][rows], tickets["industry"][rows], rng)
    return [
        Trigger(source="COMPLAINT", ref_id=no, entity=e, dept=d, raised=_day(s),
                due=_day(s) + timedelta(days=COMPLAINT_INSPECTION_DUE_DAYS))
        for no, e, d, s in zip(tickets["no"][rows].tolist(), entity.tolist(),
                               tickets["dept"][rows].tolist(), signed_day[rows].tolist(),
                               strict=True)
    ]


def grid_clues(world: World, month_label: int, events: dict[str, np.ndarray],
               type_codes: list[str], end: date) -> list[Clue]:
    """Escalated events in which the department found a violation, handed over 1–10 days
    after it handled the scene; the party is a business of the matching trade in the town."""
    rng = world.rng(Stream.GRID, month_label, HANDOFF_LABEL)
    n = len(events["no"])
    share = np.array([GRID_CLUES.get(code, (0.0, ""))[0] for code in type_codes])
    trades = [i.code for i in gl.INDUSTRIES]
    trade = np.array([trades.index(GRID_CLUES.get(code, (0.0, "SERVICES"))[1])
                      for code in type_codes])
    handled_day = events["handled"] // DAY
    handed_day = handled_day + rng.integers(1, 11, n)
    chosen = (~events["in_grid"] & ~events["stuck"] & (rng.random(n) < share[events["kind"]])
              & (handed_day <= end.toordinal() - EPOCH_DAY))
    rows = np.flatnonzero(chosen)
    entity = gl.entity_in_town(world, events["town"][rows], trade[events["kind"][rows]], rng)
    return [
        Clue(ref_id=no, entity=e, dept=d, found=_day(h), handed_over=_day(f), source="GRID")
        for no, e, d, h, f in zip(events["no"][rows].tolist(), entity.tolist(),
                                  events["dept"][rows].tolist(), handled_day[rows].tolist(),
                                  handed_day[rows].tolist(), strict=True)
    ]
