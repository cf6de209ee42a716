"""Independent restatements of catalogue categories, one module per group of areas.

Each entry maps a category code to (fact table, date column, a polars aggregation giving the
value of one group of fact rows); ``tests/test_indicators.py`` recomputes the category from the
published facts with it at every slice and compares with ``indicators.values``. For ``share``
the aggregation gives the slice's numerator (the test divides by the city's); for
``cumulative`` it gives the month's amount (the test sums the year to date).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from tests.oracles import (
    approval_operation_credit,
    core,
    enforcement_oversight,
    force_items_drones,
    supervision_complaints_burden,
)

Oracle = tuple[str, str, Callable[[], pl.Expr]]

_MODULES = (
    core,
    approval_operation_credit,
    supervision_complaints_burden,
    enforcement_oversight,
    force_items_drones,
)


def _merged() -> dict[str, Oracle]:
    merged: dict[str, Oracle] = {}
    for module in _MODULES:
        overlap = merged.keys() & module.ORACLES.keys()
        if overlap:
            raise ValueError(f"oracles defined twice: {sorted(overlap)}")
        merged.update(module.ORACLES)
    return merged


ORACLES: dict[str, Oracle] = _merged()
