"""Command line: ``python -m sources.simulator generate --scenario quzhou --scale demo``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from sources.config import data_paths
from sources.simulator.engine import (
    DEFAULT_DEFECT_RATE,
    DEFAULT_END,
    DEFAULT_SEED,
    DEFAULT_START,
    SCALES,
    SCENARIOS,
    generate,
)


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="python -m sources.simulator",
                                   description="Simulate the city's upstream systems.")
    commands = main.add_subparsers(dest="command", required=True)
    run = commands.add_parser("generate", help="write daily exports into the landing zone")
    run.add_argument("--scenario", choices=SCENARIOS, default="quzhou")
    run.add_argument("--scale", choices=sorted(SCALES), default="demo")
    run.add_argument("--landing", type=Path, default=None,
                     help="landing directory (default: the configured data dir's landing/)")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED)
    run.add_argument("--defect-rate", type=float, default=DEFAULT_DEFECT_RATE)
    run.add_argument("--start", type=date.fromisoformat, default=DEFAULT_START)
    run.add_argument("--end", type=date.fromisoformat, default=DEFAULT_END)
    run.add_argument("--quiet", action="store_true", help="no progress lines")
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    landing = args.landing if args.landing is not None else data_paths().landing
    report = generate(landing, scale=args.scale, seed=args.seed, defect_rate=args.defect_rate,
                      start=args.start, end=args.end, scenario=args.scenario,
                      progress=not args.quiet)
    print(report.summary())
    print(f"landing: {report.landing_dir}\nledger:  {report.ledger_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
