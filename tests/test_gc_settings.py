"""The collector settings a daily run's processes apply once they hold what they keep."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from pipelines.gc_settings import YOUNG_GENERATION_THRESHOLD, hold, settle


@pytest.fixture
def collector() -> Iterator[None]:
    """Leave the test process's collector as it was found."""
    threshold, enabled = gc.get_threshold(), gc.isenabled()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    if enabled:
        gc.enable()


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_hold_stops_the_collector_until_settle(collector: None) -> None:
    hold()
    assert not gc.isenabled()
    kept = [Node() for _ in range(1000)]
    settle()
    assert gc.isenabled()
    # what the process held is frozen: out of every later pass
    assert gc.get_freeze_count() >= len(kept)
    assert gc.get_threshold()[0] == YOUNG_GENERATION_THRESHOLD


def test_cycles_made_after_settle_are_still_collected(collector: None) -> None:
    hold()
    settle()
    _ = [Node() for _ in range(100)]
    del _
    assert gc.collect() >= 100  # the new cycles, found and freed
