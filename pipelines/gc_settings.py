"""Python's cyclic garbage collector, told to leave alone what a process will keep.

A daily run's three processes (the run, the warm dbt process, the validation worker) each
import a large library stack (Dagster, dbt with its parsed manifest, Great Expectations) and
keep it to their end. The collector's full passes walk all of those objects again and
again although none of them is garbage; perf on a full-scale daily counted ~3.6 s of CPU
in the collector across the three, on a machine whose two cores the run keeps busy.

``hold`` stops the collector while a process imports and loads what it keeps (the full
passes over a growing heap are most of the collector's time then, and an import leaves
little cyclic garbage); ``settle`` is called once the process holds it: the objects alive
then are frozen (``gc.freeze``: never traversed again; reference counting still frees
them), the collector runs again, and its young generation is collected after more
allocations, so that more short-lived objects are freed by reference counting before the
collector ever looks at them.
"""

from __future__ import annotations

import gc

# allocations (net of deallocations) between young-generation collections; CPython's is 700
YOUNG_GENERATION_THRESHOLD = 20_000


def hold() -> None:
    """Stop the cyclic collector until ``settle`` (reference counting still frees)."""
    gc.disable()


def settle() -> None:
    """Freeze every object alive now, run the collector again, and collect the young
    generation less often."""
    gc.freeze()
    gc.enable()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
