"""What machine a benchmark ran on, told well enough to compare runs on different machines.

The budgets are set for a machine of 2 cores and 24 GiB, but machines of that size differ in
speed: docs/benchmarks.md has the same stages taking half as long again on one as on another,
with as many more CPU seconds. So the report names the processor and times two fixed
workloads, one in Python (the generator's kind of work) and one in DuckDB (the pipeline's),
each the best of three: a reader can then tell a slower machine from a slower commit.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

CPUINFO = Path("/proc/cpuinfo")
PYTHON_PROBE_N = 5_000_000  # 0.35-0.46 s on the 2.1 GHz Xeon of docs/benchmarks.md, 2026-12-01
DUCKDB_PROBE_ROWS = 100_000_000  # 0.87-0.90 s there, on both cores
ROUNDS = 3


def cpu_model(cpuinfo: str) -> str:
    """The processor's name and clock from the text of /proc/cpuinfo (its first CPU)."""
    fields: dict[str, str] = {}
    for line in cpuinfo.splitlines():
        if not line.strip():
            break  # the first CPU's block ends; the others repeat it
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    name = fields.get("model name") or "unknown processor"
    mhz = fields.get("cpu MHz")
    return f"{name}, {float(mhz):.0f} MHz" if mhz else name


def best_of(work: Callable[[], object], rounds: int = ROUNDS) -> float:
    """The shortest wall time of ``rounds`` runs of ``work``: the least disturbed one."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def python_probe() -> int:
    return sum(i * i for i in range(PYTHON_PROBE_N))


def duckdb_probe() -> float:
    with duckdb.connect() as con:
        row = con.execute(
            f"select sum(hash(range) % 1000) from range({DUCKDB_PROBE_ROWS})"
        ).fetchone()
    return float(row[0]) if row else 0.0


def machine() -> str:
    """Cores, processor, memory, load average and the two probes' times, for the report."""
    cores = os.cpu_count()
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    processor = cpu_model(CPUINFO.read_text()) if CPUINFO.exists() else "unknown processor"
    return (
        f"{cores} cores ({processor}), {memory_gib:.0f} GiB, load average {load}; "
        f"speed probes, best of {ROUNDS}: Python {best_of(python_probe):.2f} s, "
        f"DuckDB {best_of(duckdb_probe):.2f} s (pipelines/bench_machine.py)"
    )
