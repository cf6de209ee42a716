"""One timed stage of ``make bench``: a child process whose wall, CPU and peak memory are its own.

Shared by the benchmark's modules (``bench``, ``bench_daily``, ``bench_growth``) so that each
stage is measured the same way: the figures come from the child's rusage, not from the
benchmark process, which carries imports and earlier stages.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sources.config import REPO_ROOT


@dataclass(frozen=True)
class Stage:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float


def run_stage(name: str, command: list[str], env: dict[str, str]) -> Stage:
    """Run one stage as a child process; CPU and peak memory come from its rusage."""
    started = time.perf_counter()
    pid = subprocess.Popen(command, env=env, cwd=REPO_ROOT).pid
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{name} failed after {wall:.0f} s: {' '.join(command)}")
    stage = Stage(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    # as it happens: a long run cut short still leaves the stages it finished in its log
    print(f"[bench] {name}: {stage.wall_s:.1f} s wall, {stage.cpu_s:.1f} s CPU, "
          f"{stage.peak_rss_mib:.0f} MiB peak", flush=True)
    return stage


def stage_rows(stages: Sequence[Stage]) -> list[str]:
    """The stage table of the report, as markdown lines."""
    return [
        "| stage | wall s | CPU s | peak RSS MiB |",
        "|---|---:|---:|---:|",
        *(f"| {s.name} | {s.wall_s:.1f} | {s.cpu_s:.1f} | {s.peak_rss_mib:.0f} |" for s in stages),
    ]
