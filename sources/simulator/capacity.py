"""Which raised triggers inspection acts on: the reform closes the loop, within capacity.

Approvals, warnings, 12345 tickets and drone findings raise far more inspection requests
than about 200k tasks a year can serve while an inspected enterprise still sees 5–7
inspection days a month. Before the reform most of them were never acted on: a licence
pushed to a supervisor was rarely followed by a first inspection (审管脱节), a warning was
closed by phone. The reform raises the share acted on. The rest stay open ends of the loop,
which is what the loop cockpit shows. Scripted triggers (the scenario's stories) are always
acted on.
"""

from __future__ import annotations

import zlib

from sources.simulator.handoffs import Trigger
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.world import World

CAPACITY_LABEL = 91  # salt of the per-trigger draw
# Share of raised triggers that become a task, before and after the reform, per source.
# Bounded by the burden figure: each inspected entity sees ~6 visit days a month before the
# reform and ~2.5 after, so about 35k triggered entities a year fit in 2020 and 60k in 2022.
ACTED_SHARE: dict[str, tuple[float, float]] = {
    "APPROVAL": (0.25, 0.35),
    "WARNING": (0.50, 0.55),
    "COMPLAINT": (0.50, 0.55),
    "DRONE": (0.80, 0.85),
}


def acted_share(source: str, progress: float) -> float:
    before, after = ACTED_SHARE[source]
    return before + (after - before) * progress


def acted_on(world: World, month: Month, raised: list[Trigger]) -> list[Trigger]:
    """The triggers handed over in ``month`` that inspection will act on, in their order.

    Each trigger's draw depends on the trigger alone (seed, source, reference, entity), not
    on its position: a shorter run, which raises fewer triggers, decides the same way.
    """
    progress = reform_progress(month)
    return [
        trigger for trigger in raised
        if trigger.scripted_result is not None
        or _draw(world.seed, trigger) < acted_share(trigger.source, progress)
    ]


def _draw(seed: int, trigger: Trigger) -> float:
    """A uniform number in [0, 1) fixed by the trigger's identity."""
    text = f"{seed}|{CAPACITY_LABEL}|{trigger.source}|{trigger.ref_id}|{trigger.entity}"
    return zlib.crc32(text.encode()) / 2**32
