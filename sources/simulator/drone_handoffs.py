"""What 综合飞一次 hands on: confirmed AI findings that become clues or inspection triggers.

A drone sees a violation, not a party: an illegal building, a sand dredger, a river outfall.
Most findings are disposed of by the department that signs them (a vendor moved on, a
waterlogged road drained). Some carry on down the loop: the department hands a clue to the
clue centre once it has handled the scene (illegal building, sand mining, deforestation are
nearly always cases), or asks for an inspection of the business behind the scene (a dusty
building site, a polluting outfall). The party is the business of the matching trade in the
finding's town.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from sources.simulator.city import INDUSTRIES
from sources.simulator.drone_findings import CLASS_INDEX, Findings
from sources.simulator.grids import entity_in_town
from sources.simulator.handoffs import Clue, Trigger
from sources.simulator.world import Stream, World

HANDOFF_LABEL = 7  # sub-stream of Stream.DRONES
HANDLED, SIGNED = 4, 3  # stage positions in ``drone_findings.STAGES``
# class -> (share of confirmed, handled findings handed over as a clue, share that asks for
# an inspection, the trade of the party behind the scene)
HANDOFF: dict[str, tuple[float, float, str]] = {
    "WATERLOGGING": (0.0, 0.0, "SERVICES"),
    "ILLEGAL_BUILDING": (0.12, 0.0, "CONSTRUCTION"),
    "DUMPING": (0.05, 0.03, "CONSTRUCTION"),
    "OPEN_BURNING": (0.06, 0.0, "AGRICULTURE"),
    "ROAD_OCCUPATION": (0.02, 0.0, "RETAIL"),
    "ILLEGAL_SAND_MINING": (0.35, 0.05, "MINING"),
    "DEFORESTATION": (0.25, 0.0, "AGRICULTURE"),
    "RIVER_POLLUTION": (0.10, 0.06, "MANUFACTURING"),
    "ILLEGAL_PARKING": (0.01, 0.0, "TRANSPORT"),
    "STREET_VENDING": (0.01, 0.0, "CATERING"),
    "CONSTRUCTION_DUST": (0.08, 0.05, "CONSTRUCTION"),
    "ILLEGAL_ADVERTISING": (0.05, 0.0, "RETAIL"),
}
_ORDER = sorted(CLASS_INDEX, key=CLASS_INDEX.get)
CLUE_SHARE = np.array([HANDOFF[c][0] for c in _ORDER])
TRIGGER_SHARE = np.array([HANDOFF[c][1] for c in _ORDER])
TRADE = np.array([[i.code for i in INDUSTRIES].index(HANDOFF[c][2]) for c in _ORDER])
INSPECTION_DUE_DAYS = 7


def handoffs(world: World, found: Findings, exported: np.ndarray, month_label: int,
             end: date) -> tuple[list[Clue], list[Trigger]]:
    """Clues and triggers of a month's findings; ``exported`` marks those the month exports.

    A clue is handed over 1–5 days after the finding was handled, a trigger raised on the
    day the department signed it; neither after ``end``.
    """
    rng = world.rng(Stream.DRONES, HANDOFF_LABEL, month_label)
    n = len(found.ids)
    draw = rng.random(n)
    party = entity_in_town(world, found.town, TRADE[found.cls], rng)
    lag = rng.integers(1, 6, n)
    last = (end.toordinal() - EPOCH_ORDINAL) * 86_400 + 86_399
    handled = found.times[:, HANDLED]
    signed = found.times[:, SIGNED]
    confirmed = exported & found.true
    # Decided before anything is cut at ``end``: a shorter run must not turn a clue whose
    # handover falls after its end into a trigger.
    decided_clue = confirmed & (handled >= 0) & (draw < CLUE_SHARE[found.cls])
    handed = np.where(decided_clue, handled // 86_400 + lag, 0)
    to_clue = decided_clue & (handed * 86_400 <= last)
    to_inspect = (confirmed & (signed >= 0) & (signed <= last) & ~decided_clue
                  & (draw < CLUE_SHARE[found.cls] + TRIGGER_SHARE[found.cls]))
    clues = [
        Clue(ref_id=found.ids[i], entity=int(party[i]), dept=int(found.dept[i]),
             found=_day(found.times[i, 0]), handed_over=_day(int(handed[i]) * 86_400),
             source="DRONE")
        for i in np.flatnonzero(to_clue).tolist()
    ]
    triggers = [
        Trigger(source="DRONE", ref_id=found.ids[i], entity=int(party[i]),
                dept=int(found.dept[i]), raised=_day(signed[i]),
                due=_day(signed[i]) + timedelta(days=INSPECTION_DUE_DAYS))
        for i in np.flatnonzero(to_inspect).tolist()
    ]
    return clues, triggers


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _day(epoch_seconds: int) -> date:
    return date.fromordinal(EPOCH_ORDINAL + int(epoch_seconds) // 86_400)
