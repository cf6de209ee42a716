"""Run a scenario: month by month, generate every system and land each day's exports.

Memory stays bounded at full scale: a month is generated with numpy, its rows are filed by
the day they are exported, the month's days are written and dropped, and only rows dated in
later months (a rectification next month, a case decided in the autumn) wait in the outbox.
"""

from __future__ import annotations

import json
import operator
import shutil
import sys
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from pathlib import Path

from sources.contracts import TableContract
from sources.simulator import (
    approvals,
    capacity,
    complaints,
    credit,
    drones,
    enforcement,
    grid_events,
    grids,
    inspection,
    items,
    market,
    organisation,
    oversight,
)
from sources.simulator import warnings as warning_sim
from sources.simulator.formats import Row
from sources.simulator.frame_desk import DeskProcess, DeskSettings, FileResult, LocalDesk
from sources.simulator.handoffs import Clue, SystemMonth, Trigger
from sources.simulator.timeline import Month, months
from sources.simulator.world import Stream, World, build_world
from sources.simulator.writers import LedgerEntry, WrittenFile, write_export, write_ledger
from sources.systems import approvals as approval_contracts
from sources.systems import complaints as complaint_contracts
from sources.systems import drones as drone_contracts
from sources.systems import enforcement as enforcement_contracts
from sources.systems import grid as grid_contracts
from sources.systems import inspection as inspection_contracts
from sources.systems import items as item_contracts
from sources.systems import market as market_contracts
from sources.systems import organisation as organisation_contracts
from sources.systems import oversight as oversight_contracts
from sources.systems import warnings as warning_contracts
from sources.systems.enforcement import CASES

SCENARIOS = ("quzhou",)
# Share of the real yearly volumes. ``tenth`` and ``half`` are the benchmark's growth steps
# (10% and 50% of full volume); the city's structure is the same at every scale.
SCALES = {"demo": 0.01, "tenth": 0.1, "half": 0.5, "full": 1.0}
DEFAULT_SEED = 20220620  # the day drones found 84 waterlogging points
DEFAULT_START = date(2020, 1, 1)
DEFAULT_END = date(2022, 6, 30)
DEFAULT_DEFECT_RATE = 0.01
GBK_SHARE = 0.1  # share of inspection days some county system exports in GBK
# Tables written from rows through the outbox, every day (empty files on quiet days: a system
# that has nothing to report still sends its daily export).
CONTRACTS: tuple[TableContract, ...] = (
    *inspection_contracts.ROW_CONTRACTS,
    CASES,
    *organisation_contracts.CONTRACTS,
    *item_contracts.CONTRACTS,
    *drone_contracts.ROW_CONTRACTS,
    grid_contracts.CELLS,
    market_contracts.ENTITIES,
    *warning_contracts.ROW_CONTRACTS,
)
# Tables generated as columnar frames per day, written by the fast frame writers.
FRAME_CONTRACTS: tuple[TableContract, ...] = (
    *drone_contracts.FRAME_CONTRACTS,  # track points are handed to the desk with their day
    *inspection_contracts.FRAME_CONTRACTS,
    *complaint_contracts.FRAME_CONTRACTS,
    *grid_contracts.FRAME_CONTRACTS,
    market_contracts.CREDIT_RATINGS,
    *warning_contracts.FRAME_CONTRACTS,
    *approval_contracts.CONTRACTS,
    *enforcement_contracts.FRAME_CONTRACTS,
    *oversight_contracts.CONTRACTS,
)
# Frame tables the engine writes itself; the writer process takes the rest. Writing is split
# so that both processes are about equally busy (docs/benchmarks.md, session 24).
LOCAL_FRAME_TABLES = frozenset({"approvals_steps", "approvals_applications"})
REGISTERS = (organisation, items, warning_sim)  # systems exporting a snapshot, then change rows


@dataclass
class GenerationReport:
    """What a run wrote: per table rows, records and files, and the defects injected."""

    landing_dir: Path
    ledger_path: Path
    scenario: str
    scale: str
    seed: int
    start: date
    end: date
    defect_rate: float
    rows: dict[str, int] = field(default_factory=dict)  # physical data lines per table
    records: dict[str, int] = field(default_factory=dict)  # tasks / cases created
    files: dict[str, int] = field(default_factory=dict)
    gbk_files: dict[str, int] = field(default_factory=dict)
    defects: dict[str, int] = field(default_factory=dict)  # per reason
    seconds: float = 0.0

    def summary(self) -> str:
        tables = ", ".join(
            f"{t}: {self.records.get(t, 0):,} records in {self.rows[t]:,} rows, "
            f"{self.files[t]:,} files" for t in self.rows)
        return (f"{self.scenario}/{self.scale} {self.start}..{self.end} seed {self.seed}: "
                f"{tables}; {sum(self.defects.values()):,} defects {self.defects}; "
                f"{self.seconds:.1f}s")

    def to_json(self) -> dict[str, object]:
        """Everything but the timing, so that the same seed writes the same manifest."""
        return {
            "scenario": self.scenario, "scale": self.scale, "seed": self.seed,
            "start": self.start.isoformat(), "end": self.end.isoformat(),
            "defect_rate": self.defect_rate, "rows": self.rows, "records": self.records,
            "files": self.files, "gbk_files": self.gbk_files, "defects": self.defects,
        }


def simulator_dir(landing_dir: Path) -> Path:
    """Where the ground truth goes: beside the landing zone, never inside it."""
    return landing_dir.resolve().parent / "simulator"


def generate(
    landing_dir: Path,
    scale: str = "demo",
    seed: int = DEFAULT_SEED,
    defect_rate: float = DEFAULT_DEFECT_RATE,
    start: date | str = DEFAULT_START,
    end: date | str = DEFAULT_END,
    scenario: str = "quzhou",
    progress: bool = True,
    writer_process: bool = True,
) -> GenerationReport:
    """Generate the scenario into ``landing_dir``, replacing earlier output of its systems.

    ``writer_process``: write the frame tables in a second process while the next month is
    generated (see ``frame_desk``); the files are the same bytes either way."""
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; known: {', '.join(SCENARIOS)}")
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; known: {', '.join(SCALES)}")
    if not 0.0 <= defect_rate < 1.0:
        raise ValueError("defect_rate must be in [0, 1)")
    start, end = _as_date(start), _as_date(end)
    began = time.perf_counter()
    landing = Path(landing_dir).resolve()
    report = GenerationReport(landing, simulator_dir(landing) / "defects.csv", scenario, scale,
                              seed, start, end, defect_rate)
    _clear(landing, report.ledger_path)
    # The entity pool scales with the volumes: tasks and cases name only entities that the
    # market register of this run exports (about 3.2k at demo, 320k at full scale).
    run = _Run(build_world(seed, SCALES[scale]), landing, report, SCALES[scale],
               writer_process)
    try:
        for month in months(start, end):
            run.month(month)
            if progress:  # records generated so far (files are counted at the end)
                print(f"[simulator] {month.year}-{month.month:02d} "
                      + "  ".join(f"{t} {n:,}" for t, n in report.records.items()),
                      file=sys.stderr)
        run.account([*run.desk.finish(), *run.local.finish()])
    finally:
        run.desk.close()
        credit.finish_run(run.world)
    write_ledger(report.ledger_path, run.ledger)
    (report.ledger_path.parent / "manifest.json").write_text(
        json.dumps(report.to_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    report.seconds = time.perf_counter() - began
    if progress:
        print(f"[simulator] {report.summary()}", file=sys.stderr)
    return report


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def _clear(landing: Path, ledger: Path) -> None:
    """Remove what an earlier run landed for these systems, so no stale day survives."""
    for system in sorted({c.system for c in (*CONTRACTS, *FRAME_CONTRACTS)}):
        shutil.rmtree(landing / system, ignore_errors=True)
    ledger.unlink(missing_ok=True)


class _Run:
    """State carried from month to month: rows waiting for their day, clues not yet filed."""

    def __init__(self, world: World, landing: Path, report: GenerationReport, factor: float,
                 writer_process: bool = True):
        self.world, self.landing, self.report, self.factor = world, landing, report, factor
        self.outbox: dict[str, dict[str, list[Row]]] = {c.table_name: defaultdict(list)
                                                        for c in CONTRACTS}
        self.clues: list[Clue] = []  # waiting for the day they reach the clue centre
        self.raised: list[Trigger] = []  # raised this month, not yet weighed by capacity
        self.triggers: list[Trigger] = []  # acted on, waiting for their month's visit
        self.ledger: list[LedgerEntry] = []
        credit.start_run(world)  # credit follows this run's outcomes (see credit.py)
        self.written: list[FileResult] = []  # the row files, accounted with the frame files
        for rows in grids.grid_rows(world, report.start).values():
            self._file(grid_contracts.CELLS, rows, len(rows))
        for register in REGISTERS:
            for table, by_day in register.export_rows(world, report.start, report.end).items():
                for day, rows in by_day.items():
                    self.outbox[table][day.isoformat()].extend(rows)
                keys = {r[k] for rows in by_day.values() for r in rows
                        for k in _contract(table).key}
                report.records[table] = len(keys)
        # Most frame tables are written by a second process while the next month is
        # generated; the engine writes the others between its months.
        remote = tuple(c for c in FRAME_CONTRACTS if c.table_name not in LOCAL_FRAME_TABLES)
        local = tuple(c for c in FRAME_CONTRACTS if c.table_name in LOCAL_FRAME_TABLES)
        settings = DeskSettings(landing, world.seed, report.end, report.defect_rate,
                                remote, len(CONTRACTS))
        self.desk = DeskProcess(settings) if writer_process else LocalDesk(settings)
        self.local = LocalDesk(DeskSettings(landing, world.seed, report.end,
                                            report.defect_rate, local,
                                            len(CONTRACTS) + len(remote)))

    def month(self, month: Month) -> None:
        """Generate every system's month in causal order and write the month's days.

        Signals first (12345, grid, drones), so that the triggers and clues they raise reach
        inspection and case handling in the same month; then inspection, then cases.
        """
        end, world, factor = self.report.end, self.world, self.factor
        credit.observe(world, month.label)
        for system_month in (
            approvals.generate_month(world, month, factor, end),
            complaints.generate_month(world, month, factor, end),
            grid_events.generate_month(world, month, factor, end),
            drones.generate_month(world, month, factor, end),
            warning_sim.generate_month(world, month, factor, end),
        ):
            self._take(system_month)
        ratings = credit.month_frames(world, month)
        self._take(SystemMonth(
            frames={market_contracts.CREDIT_RATINGS.table_name: ratings},
            records={market_contracts.CREDIT_RATINGS.table_name:
                     sum(frame.height for frame in ratings.values())}))
        for rows in market.month_rows(world, month, self.report.start).values():
            self._file(market_contracts.ENTITIES, rows, len(rows))
        # Triggers reach inspection in the month they are raised, so that what a month does
        # never depends on how far the run goes (a claim next month waits for next month).
        self.triggers += capacity.acted_on(world, month, self.raised)
        self.raised = []
        due = [t for t in self.triggers if t.raised <= month.days[-1]]
        self.triggers = [t for t in self.triggers if t.raised > month.days[-1]]
        tasks = inspection.generate_month(
            world, month, inspection.TASKS_PER_YEAR * factor, end, start=self.report.start,
            triggers=due, weights=credit.inspection_weights(world, month))
        deferred, tasks.triggers = tasks.triggers, []
        self._take(tasks)
        self.triggers += deferred
        due = [c for c in self.clues if c.handed_over <= month.days[-1]]
        self.clues = [c for c in self.clues if c.handed_over > month.days[-1]]
        cases, handed = enforcement.generate_month(
            world, month, due, enforcement.CASES_PER_YEAR * factor, end)
        self._take(cases)
        self._take(oversight.generate_month(world, month, handed, end))
        tracks = drones.track_point_frames(world, month, factor)
        points = drone_contracts.TRACK_POINTS.table_name
        self.report.records[points] = (self.report.records.get(points, 0)
                                       + sum(tracks[day].height for day in month.days))
        # the writer's files first: they then overlap the engine's own
        self.desk.write_days({day: {points: tracks[day]} for day in month.days})
        for day in month.days:
            for contract in CONTRACTS:
                self._write(contract, day)
        self.local.write_days({day: {} for day in month.days})

    def _take(self, system_month: SystemMonth) -> None:
        """File a system's month: rows into the outbox, frames into the frame outbox, and
        its clues and triggers on to the systems that act on them."""
        for table, rows in system_month.rows.items():
            box = self.outbox[table]
            for row in rows:
                box[str(row["updated_at"])[:10]].append(row)
        frames = system_month.frames
        self.desk.add({t: f for t, f in frames.items() if t not in LOCAL_FRAME_TABLES})
        self.local.add({t: f for t, f in frames.items() if t in LOCAL_FRAME_TABLES})
        for table, count in system_month.records.items():
            self.report.records[table] = self.report.records.get(table, 0) + count
        self.clues.extend(system_month.clues)
        self.raised.extend(system_month.triggers)
        for sanctioned in system_month.sanctioned:
            credit.record(self.world, sanctioned)

    def _file(self, contract: TableContract, rows: list[Row], records: int) -> None:
        box = self.outbox[contract.table_name]
        for row in rows:
            box[str(row["updated_at"])[:10]].append(row)
        self.report.records[contract.table_name] = (
            self.report.records.get(contract.table_name, 0) + records)

    def _write(self, contract: TableContract, day: date) -> None:
        rows = _file_order(self.outbox[contract.table_name].pop(day.isoformat(), []), contract)
        label = zlib.crc32(contract.table_name.encode())
        encoding = "utf-8"
        if contract.formats[0] == "csv" and contract.system == "inspection":
            gbk = self.world.rng(Stream.ENCODING, label, day.toordinal()).random() < GBK_SHARE
            encoding = "gbk" if gbk else "utf-8"
        rng = self.world.rng(Stream.DEFECTS, label, day.toordinal())
        written = write_export(self.landing, contract, day, rows, encoding, rng,
                               self.report.defect_rate)
        self._account(contract, written, encoding, day)

    def _account(self, contract: TableContract, written: WrittenFile, encoding: str,
                 day: date) -> None:
        self._resend(contract.table_name, written, day)
        self.written.append(FileResult(day, CONTRACTS.index(contract), contract.table_name,
                                       encoding, written.rows, written.ledger))

    def account(self, frame_files: list[FileResult]) -> None:
        """Count every file in the order a single process writes them (day, then table), so
        that the report's keys and the ledger come out in the same order as ever."""
        report = self.report
        for result in sorted([*self.written, *frame_files], key=lambda r: (r.day, r.order)):
            table = result.table
            report.rows[table] = report.rows.get(table, 0) + result.rows
            report.files[table] = report.files.get(table, 0) + 1
            report.gbk_files[table] = report.gbk_files.get(table, 0) + (result.encoding == "gbk")
            self.ledger.extend(result.ledger)
            for entry in result.ledger:
                report.defects[entry.reason.value] = report.defects.get(entry.reason.value, 0) + 1
        self.written = []

    def _resend(self, table: str, written: WrittenFile, day: date) -> None:
        """The data desk reports broken rows back and the system sends them again, clean,
        with the next day's export (数据问题反馈与重报): a defect costs a day, not a record."""
        resend, following = written.resend, day + timedelta(days=1)
        if resend is None or not len(resend) or following > self.report.end:
            return
        if not isinstance(resend, list):
            raise TypeError(f"{table}: the row writer resends rows")
        self.outbox[table][following.isoformat()].extend(resend)


def _file_order(rows: list[Row], contract: TableContract) -> list[Row]:
    """Rows in file order: by ``updated_at`` as text, then the key's values as text.

    Keys are text in nearly every table, so the sort keys are taken by ``itemgetter`` (C
    code) and compared as they are; only when a value is not a ``str`` are they made text."""
    getter = operator.itemgetter("updated_at", *contract.key)
    keys = list(map(getter, rows))
    if set(map(type, chain.from_iterable(keys))) - {str}:
        keys = [tuple(map(str, key)) for key in keys]
    order = sorted(range(len(rows)), key=keys.__getitem__)  # stable, as ``list.sort`` is
    return [rows[index] for index in order]


def _contract(table_name: str) -> TableContract:
    for contract in CONTRACTS:
        if contract.table_name == table_name:
            return contract
    raise KeyError(table_name)
