"""Cockpit latency for ``make bench``: what a leader waits for.

Every page is rendered with Streamlit's AppTest (the page script, its queries and charts,
without a browser) and every page query is run on a fresh read-only connection to the
published snapshot, as the app does on a cache miss. Caches are cleared between renders so
each one pays for its queries. Budgets (issue 6/8): page p95 ≤ 500 ms, query p95 ≤ 50 ms.

Each page gets one AppTest, run once before timing: a new AppTest scans every installed
package for Streamlit components (~0.5–2 s, measured with cProfile), which a served app does
once at start-up, not per page view. The timed runs are reruns of the whole page script.
"""

from __future__ import annotations

import os
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from sources.config import DATA_DIR_ENV, REPO_ROOT

PAGE_RENDERS = 3
QUERY_RUNS = 5
PAGE_BUDGET_MS = 500
QUERY_BUDGET_MS = 50


@dataclass(frozen=True)
class Latency:
    what: str
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def page_latencies(data_dir: Path, renders: int = PAGE_RENDERS) -> list[Latency]:
    """Render time of every page, caches cleared before each render (the first view of a
    page after a publish, when nothing is cached yet)."""
    from streamlit.testing.v1 import AppTest

    from cockpit import data
    from cockpit.views import PAGES, render_page_alone

    os.environ[DATA_DIR_ENV] = str(data_dir)
    found = []
    for spec in PAGES:
        app = AppTest.from_function(
            render_page_alone, args=(spec.url_path, str(REPO_ROOT)), default_timeout=120
        )
        app.run()  # warm-up: the per-AppTest component scan, see the module docstring
        samples = []
        for _ in range(renders):
            data.clear_caches()
            started = time.perf_counter()
            app.run()
            samples.append((time.perf_counter() - started) * 1000)
            if app.exception:
                raise RuntimeError(f"page {spec.url_path} raised: {app.exception}")
        found.append(Latency(spec.url_path, samples))
    return found


def query_latencies(data_dir: Path, runs: int = QUERY_RUNS) -> tuple[list[Latency], Latency]:
    """Every available page query at the latest month, city-wide, uncached.

    Served: each run on a fresh cursor of the process's open snapshot instance, exactly as
    the app runs a query on a cache miss (``cockpit.data.run_query``). Cold, for comparison:
    each query once on a newly opened instance, as every query paid before the app kept the
    instance open."""
    import cockpit.views  # noqa: F401  (registers every page's queries)
    from cockpit import data
    from cockpit.queries import REGISTRY, Scope

    os.environ[DATA_DIR_ENV] = str(data_dir)
    snapshot = data.snapshot_identity()
    with duckdb.connect(snapshot.path, read_only=True) as con:
        as_of = con.execute("select max(data_as_of) from meta.build_info").fetchall()[0][0]
    scope = Scope(as_of.replace(day=1), as_of=as_of)
    available = [query for query in REGISTRY if query.available()]
    cold = []
    for query in available:
        params = dict(data.only_used(query.sql, scope.params()))
        started = time.perf_counter()
        with duckdb.connect(snapshot.path, read_only=True) as con:
            con.execute(query.sql, params).df()
        cold.append((time.perf_counter() - started) * 1000)
    served = []
    for query in available:
        params = data.only_used(query.sql, scope.params())
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            data.run_query(snapshot, query.sql, params)
            samples.append((time.perf_counter() - started) * 1000)
        served.append(Latency(query.name, samples))
    return served, Latency("cold", cold)


def overall(latencies: list[Latency], label: str) -> Latency:
    return Latency(label, [s for latency in latencies for s in latency.samples_ms])


@dataclass(frozen=True)
class CockpitLatencies:
    """One measurement of the cockpit: pages, served queries, and the cold-open reference."""

    pages: list[Latency]
    queries: list[Latency]
    cold: Latency

    @property
    def page_p95(self) -> float:
        return overall(self.pages, "pages").p95

    @property
    def query_p95(self) -> float:
        return overall(self.queries, "queries").p95


def measure_cockpit(data_dir: Path) -> CockpitLatencies:
    """Render every page and run every query on the published snapshot in ``data_dir``."""
    pages = page_latencies(data_dir)
    queries, cold = query_latencies(data_dir)
    return CockpitLatencies(pages, queries, cold)


def cockpit_report(data_dir: Path) -> str:
    """Markdown lines: per-page p50/p95, the slowest queries, and both budgets."""
    return render_report(measure_cockpit(data_dir))


def render_report(measured: CockpitLatencies) -> str:
    """The markdown for one measurement."""
    pages, queries, cold = measured.pages, measured.queries, measured.cold
    page_all, query_all = overall(pages, "pages"), overall(queries, "queries")

    def verdict(value: float, budget: float) -> str:
        return "met" if value <= budget else "missed"

    lines = [
        "",
        f"Cockpit: {len(pages)} pages × {PAGE_RENDERS} renders (AppTest, caches cleared); "
        f"{len(queries)} page queries × {QUERY_RUNS} runs, each on a fresh cursor of the open "
        f"snapshot instance as the app runs them (each once on a newly opened file: p50 "
        f"{cold.p50:.1f} ms, p95 {cold.p95:.1f} ms).",
        "",
        "| page | p50 ms | p95 ms |",
        "|---|---:|---:|",
        *(f"| {p.what} | {p.p50:.0f} | {p.p95:.0f} |" for p in pages),
        f"| **all pages** | **{page_all.p50:.0f}** | **{page_all.p95:.0f}** "
        f"(budget {PAGE_BUDGET_MS}: {verdict(page_all.p95, PAGE_BUDGET_MS)}) |",
        "",
        "| slowest queries | p50 ms | p95 ms |",
        "|---|---:|---:|",
        *(
            f"| {q.what} | {q.p50:.1f} | {q.p95:.1f} |"
            for q in sorted(queries, key=lambda q: q.p95, reverse=True)[:5]
        ),
        f"| **all queries** | **{query_all.p50:.1f}** | **{query_all.p95:.1f}** "
        f"(budget {QUERY_BUDGET_MS}: {verdict(query_all.p95, QUERY_BUDGET_MS)}) |",
    ]
    return "\n".join(lines)
