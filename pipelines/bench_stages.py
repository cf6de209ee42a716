"""One timed stage of ``make bench``: a child process whose wall, CPU and peak memory are its own.

Shared by the benchmark's modules (``bench``, ``bench_daily``, ``bench_growth``) so that each
stage is measured the same way: the figures come from the child's rusage, not from the
benchmark process, which carries imports and earlier stages.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sources.config import REPO_ROOT


@dataclass(frozen=True)
class Stage:
    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float


def scratch(prefix: str, parent: Path | None) -> tempfile.TemporaryDirectory[str]:
    """A temporary directory for a stage's generated data, made under ``parent`` (the data
    directory the operator chose) when one is given, removed when the block ends. The
    system's temporary directory is often a tmpfs held in memory (Debian 13 mounts /tmp so),
    and a full-scale run lands ~8 GB of exports before any database is written."""
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=prefix, dir=parent)


def settle_disk() -> None:
    """Write out what earlier stages left in the page cache before the next one is timed.
    A build writes ~7 GB; left to the kernel's writeback, the flush overlapped the stage
    after it (the cockpit's pages once measured 620 ms with the disk busy, 350 ms on their
    own). A daily run comes a day after the build, on a quiet disk."""
    os.sync()


def run_stage(name: str, command: list[str], env: dict[str, str]) -> Stage:
    """Run one stage as a child process, from a settled disk; CPU and peak memory come from
    its rusage."""
    settle_disk()
    started = time.perf_counter()
    # the Popen object is kept until the child is reaped here: dropped at once, its
    # finaliser reaped a child that had already exited, and wait4 found none
    child = subprocess.Popen(command, env=env, cwd=REPO_ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
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
