"""dbt's event loggers, made to skip what they would not write (the warm dbt process of a
daily run, ``pipelines.dbt_handoff``, runs dbt in-process and installs this first).

Kept apart so that the handoff module stays about handing builds over.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

# Python's levels of dbt's event levels (as dbt_common's loggers map them)
EVENT_LEVELS = {"debug": 10, "test": 10, "info": 20, "warn": 30, "error": 40}


def skip_events_below_level() -> None:
    """Have dbt's loggers (standard output, dbt.log) skip an event below their level before
    they format it, not after.

    dbt formats every event for every logger, as JSON here, and only then lets the logger's
    Python level drop it. A full-scale daily build fires one debug event per SQL statement,
    with the statement: formatting those held the GIL for ~2.5 s across dbt's two threads,
    for lines nobody writes. Print events (``dbt show`` and the like) are written at any
    level, as dbt writes them."""
    from dbt_common.events.event_manager import EventManager

    add_logger = EventManager.add_logger
    if getattr(add_logger, "skips_events_below_level", False):
        return

    def add_logger_skipping(self: EventManager, config: Any) -> None:
        # only a logger dbt writes through its own handler has its level as its threshold
        if config.output_stream is not None or config.output_file_name:
            config = dataclasses.replace(
                config, filter=_level_filter(EVENT_LEVELS[config.level], config.filter)
            )
        add_logger(self, config)

    add_logger_skipping.skips_events_below_level = True  # type: ignore[attr-defined]
    EventManager.add_logger = add_logger_skipping  # type: ignore[method-assign]


def _level_filter(threshold: int, keep: Callable[[Any], bool]) -> Callable[[Any], bool]:
    from dbt_common.events.logger import PRINT_EVENT_NAMES

    def at_level(message: Any) -> bool:
        info = message.info
        if info.name not in PRINT_EVENT_NAMES and EVENT_LEVELS[info.level] < threshold:
            return False
        return keep(message)

    return at_level
