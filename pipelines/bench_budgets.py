"""The budgets of issue 8, judged from what one ``make bench`` run measured.

Every budget gets a verdict, ``met``, ``missed`` or ``not run`` (its stage was not part of
this run), so a report never leaves a reader guessing whether a missing figure means "fine".
The budgets are set for full scale on 2 cores / 24 GiB; at a smaller scale the verdicts only
show the report works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines.bench_stages import Stage

MET, MISSED, NOT_RUN = "met", "missed", "not run"
GIB = 1024.0  # MiB


@dataclass(frozen=True)
class Measured:
    """The figures the budgets are judged on; ``None`` where the stage did not run."""

    generation: Stage | None = None
    bare: Stage | None = None
    build: Stage | None = None
    daily: Stage | None = None
    daily_equal: bool | None = None  # the daily run's indicators equal a full refresh's
    page_p95_ms: float | None = None
    query_p95_ms: float | None = None
    growth_ratio: float | None = None  # build wall at 100 % ÷ at 50 % of full volume


@dataclass(frozen=True)
class Verdict:
    budget: str
    measured: str
    status: str


def _judge(budget: str, value: float | None, limit: float, shown: Callable[[float], str],
           at_least: bool = False) -> Verdict:
    """A figure against its limit: at most the limit, or at least it for speed-ups."""
    if value is None:
        return Verdict(budget, "—", NOT_RUN)
    ok = value >= limit if at_least else value <= limit
    return Verdict(budget, shown(value), MET if ok else MISSED)


def _ratio(top: Stage | None, bottom: Stage | None) -> float | None:
    if top is None or bottom is None or bottom.wall_s <= 0:
        return None
    return top.wall_s / bottom.wall_s


def _wall(stage: Stage | None) -> float | None:
    return stage.wall_s if stage else None


def _peak(stage: Stage | None) -> float | None:
    return stage.peak_rss_mib if stage else None


def verdicts(m: Measured) -> list[Verdict]:
    """Every budget of issue 8, in the order the issue lists them."""
    seconds = "{:.1f} s".format
    gib = lambda mib: f"{mib / GIB:.2f} GiB"  # noqa: E731
    times = "{:.1f}×".format
    millis = "{:.0f} ms".format
    equal = None if m.daily_equal is None else float(m.daily_equal)
    return [
        _judge("generation ≤ 300 s", _wall(m.generation), 300, seconds),
        _judge("generation peak ≤ 4 GiB", _peak(m.generation), 4 * GIB, gib),
        _judge("full build ≤ 600 s", _wall(m.build), 600, seconds),
        _judge("full build ≤ 4× bare load", _ratio(m.build, m.bare), 4, times),
        _judge("build peak ≤ 6 GiB", _peak(m.build), 6 * GIB, gib),
        _judge("daily run ≤ 60 s", _wall(m.daily), 60, seconds),
        _judge("daily run ≥ 10× faster than the build", _ratio(m.build, m.daily), 10, times,
               at_least=True),
        _judge("daily indicators = full rebuild", equal, 1, lambda v: "equal" if v else "differ",
               at_least=True),
        _judge("page p95 ≤ 500 ms", m.page_p95_ms, 500, millis),
        _judge("query p95 ≤ 50 ms", m.query_p95_ms, 50, "{:.1f} ms".format),
        _judge("growth: 100 % ≤ 2.2× 50 %", m.growth_ratio, 2.2, times),
    ]


def budgets_table(found: list[Verdict]) -> str:
    """The verdicts as a markdown table, misses in bold so they stand out in the log."""
    lines = ["| budget | measured | verdict |", "|---|---:|---|"]
    for v in found:
        status = f"**{v.status}**" if v.status == MISSED else v.status
        lines.append(f"| {v.budget} | {v.measured} | {status} |")
    missed = sum(v.status == MISSED for v in found)
    judged = sum(v.status != NOT_RUN for v in found)
    lines += ["", f"Budgets: {judged - missed} met, {missed} missed, "
              f"{len(found) - judged} not run."]
    return "\n".join(lines)
