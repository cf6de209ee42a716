"""The benchmark's growth stage: the same build at 10 %, 50 % and 100 % of full volume.

Each step is generated into a data directory of its own and built with the operator's command
(``python -m pipelines build``); the directory is removed afterwards (a half-scale warehouse is
large). The 100 % step reuses the benchmark's own build when it ran at full scale. Budget
(issue 8): near-linear or better, the build at 100 % ≤ 2.2× the build at 50 %.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pipelines.bench_stages import Stage, run_stage, scratch
from sources.config import DATA_DIR_ENV, data_paths

SHARES = {"tenth": 0.1, "half": 0.5, "full": 1.0}  # of full volume, as sources.simulator.engine
DEFAULT_STEPS = ("tenth", "half")


@dataclass(frozen=True)
class GrowthPoint:
    scale: str
    records: int
    build: Stage
    note: str = ""

    @property
    def seconds_per_million(self) -> float | None:
        return self.build.wall_s / (self.records / 1e6) if self.records else None


def manifest_records(manifest: Path) -> int:
    """Records the generator wrote (its manifest beside the landing zone), 0 if none."""
    if not manifest.exists():
        return 0
    return sum(json.loads(manifest.read_text(encoding="utf-8"))["records"].values())


def measure_step(
    scale: str, python: str, env: dict[str, str], window: Sequence[str] = (),
    parent: Path | None = None,
) -> GrowthPoint:
    """Generate one scale into a scratch directory (under ``parent`` when given) and time its
    build; ``window`` narrows the generated months (``--start``/``--end``) for a quick check of
    this code path."""
    with scratch(f"bench-growth-{scale}-", parent) as folder:
        paths = data_paths(folder).ensure()
        step_env = {**env, DATA_DIR_ENV: str(paths.root)}
        run_stage(
            f"growth {scale}: generation",
            [python, "-m", "sources.simulator", "generate", "--scale", scale, "--quiet",
             "--landing", str(paths.landing), *window],
            step_env,
        )
        build = run_stage(f"growth {scale}: build", [python, "-m", "pipelines", "build"],
                          step_env)
        return GrowthPoint(scale, manifest_records(paths.root / "simulator" / "manifest.json"),
                           build)


def growth_ratio(points: Sequence[GrowthPoint]) -> float | None:
    """Build wall at 100 % over 50 %: 2.0 is linear, the budget allows 2.2."""
    by_scale = {p.scale: p for p in points}
    if "full" not in by_scale or "half" not in by_scale or not by_scale["half"].build.wall_s:
        return None
    return by_scale["full"].build.wall_s / by_scale["half"].build.wall_s


def growth_text(points: Sequence[GrowthPoint]) -> str:
    """The growth table and the 100 %/50 % ratio (or why it is missing)."""
    ordered = sorted(points, key=lambda p: SHARES.get(p.scale, 0.0))
    lines = [
        "Growth: the same build at a share of full volume, each generated and built alone.",
        "",
        "| scale | share | records | build wall s | CPU s | peak RSS MiB | s per M records |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in ordered:
        per_million = p.seconds_per_million
        lines.append(
            f"| {p.scale}{f' ({p.note})' if p.note else ''} | "
            f"{SHARES.get(p.scale, 0.0):.0%} | {p.records:,} | {p.build.wall_s:.1f} | "
            f"{p.build.cpu_s:.1f} | {p.build.peak_rss_mib:.0f} | "
            f"{'—' if per_million is None else f'{per_million:.1f}'} |"
        )
    ratio = growth_ratio(points)
    lines.append("")
    if ratio is None:
        lines.append("100 % ÷ 50 % build wall: not measured (needs the half step and a "
                     "full-scale build in the same run: `--scale full --stages build,growth`).")
    else:
        lines.append(f"100 % ÷ 50 % build wall: {ratio:.2f}× (budget ≤ 2.2×).")
    return "\n".join(lines)
