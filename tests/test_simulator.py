"""The city simulator: layout, determinism, contract validity, defects and the reform story.

The checker below is deliberately independent of the simulator: it reads the landed bytes
with nothing but the contracts, so a bug in the simulator's own rendering cannot hide.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from sources.contracts import Column, Reason, TableContract
from sources.registry import CONTRACTS as ALL_CONTRACTS  # noqa: E402
from sources.simulator import DEFAULT_END, DEFAULT_START, GenerationReport, generate
from sources.simulator.clues import LATEST_ASSESSMENT_DAYS
from sources.systems.enforcement import CASES
from sources.systems.inspection import TASKS

CONTRACTS = (TASKS, CASES)  # the systems whose every line this file checks in depth
REPO = Path(__file__).resolve().parent.parent
USCC = re.compile(r"9[12]3308\d{2}[0-9A-HJ-NPQRTUWXY]{10}")
ID_NO = re.compile(r"3308\d{14}")
PHONE = re.compile(r"1[358]\d{9}")


# --- an independent contract checker ---------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One physical line of a landed file, as the checker sees it."""

    file: str
    number: int
    reasons: frozenset[str]
    values: dict[str, object] | None  # parsed values, None when the line could not be read


def _parse(column: Column, value: object, fmt: str) -> tuple[bool, object]:
    """(parsed?, value) for one non-empty field."""
    kind = column.type
    if fmt == "jsonl" and kind in ("int", "float", "bool"):
        numeric = {"int": (int,), "float": (int, float), "bool": (bool,)}[kind]
        ok = isinstance(value, numeric) and (kind == "bool" or not isinstance(value, bool))
        return ok, value
    if not isinstance(value, str):
        return False, value
    try:
        if kind == "int":
            return re.fullmatch(r"-?\d+", value) is not None, int(value)
        if kind == "float":
            return re.fullmatch(r"-?\d+(\.\d+)?", value) is not None, float(value)
        if kind == "bool":
            return value in ("0", "1"), value == "1"
        if kind == "date":
            return len(value) == 10, datetime.strptime(value, "%Y-%m-%d").date()
        if kind == "timestamp":
            return len(value) == 19, datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return False, value
    return True, value


def _value_reasons(contract: TableContract, raw: dict[str, object], fmt: str
                   ) -> tuple[set[str], dict[str, object]]:
    reasons: set[str] = set()
    parsed: dict[str, object] = {}
    for column in contract.columns:
        value = raw[column.name]
        if value is None or value == "":
            parsed[column.name] = None
            if column.required:
                reasons.add(Reason.MISSING_REQUIRED)
            continue
        ok, typed = _parse(column, value, fmt)
        if not ok:
            reasons.add(Reason.BAD_TYPE)
            parsed[column.name] = None
            continue
        parsed[column.name] = typed
        if column.codes is not None and typed not in column.codes:
            reasons.add(Reason.UNKNOWN_CODE)
        if (column.minimum is not None and typed < column.minimum) or (
                column.maximum is not None and typed > column.maximum):
            reasons.add(Reason.OUT_OF_RANGE)
    for order in contract.date_orders:
        earlier, later = parsed[order.earlier], parsed[order.later]
        if earlier is not None and later is not None and later < earlier:
            reasons.add(Reason.DATE_ORDER)
    return reasons, parsed


def check_file(contract: TableContract, path: Path, relative: str,
               seen: set[tuple[object, ...]]) -> list[Line]:
    """Every data line of one file with the set of reasons it is invalid for."""
    fmt = contract.formats[0]
    raw_lines = path.read_bytes().split(b"\n")
    assert raw_lines[-1] == b"", f"{relative} must end with a newline"
    lines = []
    for number, data in enumerate(raw_lines[:-1], start=1):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("gbk")
            except UnicodeDecodeError:
                lines.append(Line(relative, number, frozenset({Reason.BAD_ENCODING}), None))
                continue
        if fmt == "csv":
            fields = next(csv.reader([text]))
            if number == 1:
                assert fields == contract.column_names, f"{relative}: header"
                continue
            if len(fields) != len(contract.columns):
                lines.append(Line(relative, number, frozenset({Reason.MALFORMED_ROW}), None))
                continue
            raw = dict(zip(contract.column_names, fields, strict=True))
        else:
            try:
                raw = json.loads(text)
            except json.JSONDecodeError:
                lines.append(Line(relative, number, frozenset({Reason.MALFORMED_ROW}), None))
                continue
            assert list(raw) == contract.column_names, f"{relative}:{number}: keys"
        reasons, parsed = _value_reasons(contract, raw, fmt)
        key = tuple(raw[name] for name in contract.duplicate_key)
        if key in seen:
            reasons.add(Reason.DUPLICATE)
        seen.add(key)
        lines.append(Line(relative, number, frozenset(reasons), parsed))
    return lines


# --- fixtures --------------------------------------------------------------------------------


@dataclass
class Landed:
    root: Path
    report: GenerationReport
    lines: dict[str, list[Line]]  # per table
    ledger: dict[tuple[str, int], str]
    _latest: dict[str, dict[str, dict[str, object]]] = field(default_factory=dict)

    @property
    def landing(self) -> Path:
        return self.root / "landing"

    def valid(self, contract: TableContract) -> list[dict[str, object]]:
        return [line.values for line in self.lines[contract.table_name]
                if not line.reasons and line.values is not None]

    def latest(self, contract: TableContract) -> dict[str, dict[str, object]]:
        """The latest valid state of each key, as the pipeline will keep it."""
        if contract.table_name in self._latest:
            return self._latest[contract.table_name]
        result: dict[str, dict[str, object]] = self._latest.setdefault(contract.table_name, {})
        for row in self.valid(contract):
            key = str(row[contract.key[0]])
            if key not in result or row["updated_at"] > result[key]["updated_at"]:
                result[key] = row
        return result


def land(root: Path, **kwargs: object) -> Landed:
    report = generate(root / "landing", progress=False, **kwargs)
    lines: dict[str, list[Line]] = {}
    for contract in CONTRACTS:
        # Duplicates are judged within a file, as validation judges them: a row sent again
        # the next day after a defect (the clean twin) is not a duplicate.
        lines[contract.table_name] = [
            line
            for path in sorted((root / "landing" / contract.system).glob(
                f"*/{contract.entity}.*"))  # a system may export several tables
            for line in check_file(contract, path, path.relative_to(root / "landing").as_posix(),
                                   set())
        ]
    with report.ledger_path.open(encoding="utf-8", newline="") as handle:
        ledger = {(r["file"], int(r["line"])): r["reason"] for r in csv.DictReader(handle)}
    return Landed(root, report, lines, ledger)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Landed:
    """The whole default scenario at demo scale (a few seconds)."""
    return land(tmp_path_factory.mktemp("demo"))


def _digests(root: Path) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*")) if path.is_file()}


# --- tests -----------------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_files(demo: Landed, tmp_path: Path) -> None:
    again = generate(tmp_path / "landing", progress=False)
    assert again.rows == demo.report.rows
    assert _digests(tmp_path) == _digests(demo.root)


def test_other_seed_gives_other_data(tmp_path: Path) -> None:
    a = generate(tmp_path / "a" / "landing", seed=1, end=date(2020, 1, 10), progress=False)
    b = generate(tmp_path / "b" / "landing", seed=2, end=date(2020, 1, 10), progress=False)
    assert _digests(a.landing_dir) != _digests(b.landing_dir)


def test_shorter_range_reproduces_its_days(demo: Landed, tmp_path: Path) -> None:
    """Streams key on absolute months and days: a short run is a prefix of the long one."""
    generate(tmp_path / "landing", end=date(2020, 2, 29), progress=False)
    short = _digests(tmp_path / "landing")
    full = _digests(demo.landing)
    assert short and all(full[name] == digest for name, digest in short.items())


def test_layout_one_file_per_system_and_day(demo: Landed) -> None:
    days = [(DEFAULT_START + timedelta(n)).isoformat()
            for n in range((DEFAULT_END - DEFAULT_START).days + 1)]
    for contract in CONTRACTS:
        ext = contract.formats[0]
        folders = sorted(p.name for p in (demo.landing / contract.system).iterdir())
        assert folders == days
        for day in days:
            files = list((demo.landing / contract.system / day).glob(f"{contract.entity}.*"))
            assert [f.name for f in files] == [f"{contract.entity}.{ext}"]
            header = 1 if ext == "csv" else 0
            assert len(files[0].read_bytes().split(b"\n")) - 1 > header, f"{day} has no rows"
    assert {p.name for p in demo.landing.iterdir()} == {c.system for c in ALL_CONTRACTS}
    for contract in ALL_CONTRACTS:  # every system sends one file a day, empty or not
        for day in (days[0], days[-1]):
            files = list((demo.landing / contract.system / day).glob(f"{contract.entity}.*"))
            assert len(files) == 1, f"{contract.table_name} {day}"
    assert demo.report.ledger_path == demo.root / "simulator" / "defects.csv"


def test_clean_rows_valid_and_ledger_rows_invalid_for_exactly_their_reason(demo: Landed) -> None:
    checked = Counter()
    for contract in CONTRACTS:
        for line in demo.lines[contract.table_name]:
            expected = demo.ledger.get((line.file, line.number))
            assert line.reasons == (frozenset({expected}) if expected else frozenset()), (
                f"{line.file}:{line.number} expected {expected}, found {set(line.reasons)}")
            checked[expected or "clean"] += 1
    in_depth = {(c.system, c.entity) for c in CONTRACTS}  # not the plans, checklist lines
    checked_ledger = [key for key in demo.ledger
                      if (key[0].split("/")[0], key[0].split("/")[-1].split(".")[0]) in in_depth]
    assert sum(v for k, v in checked.items() if k != "clean") == len(checked_ledger)


def test_every_reason_is_injected_at_about_the_rate(demo: Landed) -> None:
    reasons = Counter(demo.ledger.values())
    assert set(reasons) == {r.value for r in Reason} - {Reason.SCHEMA_MISMATCH.value}
    assert dict(reasons) == demo.report.defects
    rows = sum(demo.report.rows.values())
    assert 0.005 < len(demo.ledger) / rows < 0.02
    bad_encoding_files = {f for (f, _), r in demo.ledger.items() if r == "BAD_ENCODING"}
    assert all(f.endswith(".csv") for f in bad_encoding_files)


def test_without_defects_every_row_is_clean(tmp_path: Path) -> None:
    landed = land(tmp_path, defect_rate=0.0, end=date(2020, 1, 31))
    assert not landed.ledger
    assert all(not line.reasons for lines in landed.lines.values() for line in lines)


def test_volumes_follow_the_scale(demo: Landed) -> None:
    years = ((DEFAULT_END - DEFAULT_START).days + 1) / 365.25
    tasks = demo.report.records[TASKS.table_name] / years
    cases = demo.report.records[CASES.table_name] / years
    assert 1_700 < tasks < 2_300 and 1_500 < cases < 2_000


def test_some_inspection_days_are_gbk(demo: Landed) -> None:
    files = sorted((demo.landing / "inspection").glob("*/tasks.csv"))
    gbk = []
    for path in files:
        for data in path.read_bytes().split(b"\n"):
            if data.isascii() or b"\xff\xfe" in data:
                continue
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                data.decode("gbk")
                gbk.append(path)
            break
    assert 0.05 < len(gbk) / len(files) < 0.15
    for path in gbk:  # no GBK line may pass for UTF-8 (the ingest decodes line by line)
        for data in path.read_bytes().split(b"\n"):
            if not data.isascii():
                with pytest.raises(UnicodeDecodeError):
                    data.decode("utf-8")
    enforcement = (demo.landing / "enforcement").glob("*/cases.jsonl")
    assert all(p.read_bytes().decode("utf-8") for p in enforcement)


def _period(value: object) -> str | None:
    day = value if isinstance(value, date) else None
    if day is None:
        return None
    if day.year == 2020:
        return "2020"
    if day.year == 2022 and day.month <= 6:
        return "2022H1"
    return None


def test_reform_joint_share_rises(demo: Landed) -> None:
    joint: dict[str, list[bool]] = defaultdict(list)
    for task in demo.latest(TASKS).values():
        period = _period(task["inspected_date"])
        if period:
            joint[period].append(bool(task["is_joint"]))
            assert bool(task["is_joint"]) == bool(task["joint_dept_codes"])
    share = {p: sum(v) / len(v) for p, v in joint.items()}
    assert 0.06 < share["2020"] < 0.15
    assert 0.47 < share["2022H1"] < 0.63


def test_reform_inspection_days_per_entity_month_fall(demo: Landed) -> None:
    """Mean over months of the mean over inspected entities of distinct inspection days."""
    days: dict[tuple[str, str], set[date]] = defaultdict(set)
    for task in demo.latest(TASKS).values():
        day = task["inspected_date"]
        days[(day.strftime("%Y-%m"), str(task["entity_uscc"]))].add(day)
    per_month: dict[str, list[int]] = defaultdict(list)
    for (month, _), visited in days.items():
        per_month[month].append(len(visited))
    means: dict[str, list[float]] = defaultdict(list)
    for month, counts in per_month.items():
        period = _period(date.fromisoformat(f"{month}-01"))
        if period:
            means[period].append(sum(counts) / len(counts))
    figure = {p: sum(v) / len(v) for p, v in means.items()}
    assert len(means["2020"]) == 12 and len(means["2022H1"]) == 6
    assert 5.5 < figure["2020"] < 6.5, figure
    assert 2.2 < figure["2022H1"] < 2.8, figure


def test_late_state_rows_arrive_in_later_folders(demo: Landed) -> None:
    for contract, later_field in ((TASKS, "rectified_date"), (CASES, "closed_date")):
        folders: dict[str, list[tuple[str, object]]] = defaultdict(list)
        for line in demo.lines[contract.table_name]:
            if not line.reasons and line.values is not None:
                key = str(line.values[contract.key[0]])
                folders[key].append((line.file.split("/")[1], line.values["updated_at"]))
        moved = [v for v in folders.values() if len({folder for folder, _ in v}) > 1]
        assert len(moved) > 100
        for states in moved:
            # a state row lands on its own day, or later when its first send was defective
            # (sent again with the next export; again later if that send broke too)
            assert all(folder >= str(stamp)[:10] for folder, stamp in states), states
            first_sends = [(f, stamp) for f, stamp in states if f == str(stamp)[:10]]
            assert [s for _, s in sorted(first_sends)] == sorted(s for _, s in first_sends)
        latest = demo.latest(contract).values()
        assert sum(row[later_field] is not None for row in latest) > 100


def test_results_and_rectification(demo: Landed) -> None:
    tasks = list(demo.latest(TASKS).values())
    results = Counter(t["result_code"] for t in tasks)
    assert 0.15 < results["RECTIFY"] / len(tasks) < 0.25
    assert 0.03 < results["CLUE"] / len(tasks) < 0.08
    for task in tasks:
        if task["result_code"] == "RECTIFY":
            assert task["finding_count"] >= 1
            assert 7 <= (task["rectify_deadline"] - task["inspected_date"]).days <= 30
        else:
            assert task["rectify_deadline"] is None
        if task["result_code"] == "COMPLIANT":
            assert task["finding_count"] == 0
        assert (task["latitude"] is None) == (task["inspect_mode"] == "REMOTE")
    rectified = [t for t in tasks if t["rectified_date"] is not None]
    on_time = sum(t["rectified_date"] <= t["rectify_deadline"] for t in rectified)
    assert 0.8 < on_time / len(rectified) < 0.97


def test_inspection_clues_become_cases(demo: Landed) -> None:
    tasks = demo.latest(TASKS)
    cases = [c for c in demo.latest(CASES).values() if c["clue_source"] == "INSPECTION"]
    assert len(cases) > 100
    matched = 0
    for case in cases:
        task = tasks.get(str(case["clue_id"])[2:])
        if task is None:  # the task's only row was a defective one
            continue
        matched += 1
        assert task["result_code"] == "CLUE"
        for column in ("entity_uscc", "town_code", "dept_code", "county_code"):
            assert case[column] == task[column]
        # handed over 1-20 days after the visit, then assessed by the clue centre
        assert 1 <= (case["filed_date"] - task["inspected_date"]).days <= (
            20 + LATEST_ASSESSMENT_DAYS)
    assert matched > 0.9 * len(cases)


def test_case_lifecycle(demo: Landed) -> None:
    cases = list(demo.latest(CASES).values())
    sources = Counter(c["clue_source"] for c in cases)
    assert set(sources) == {"INSPECTION", "COMPLAINT", "DRONE", "WARNING", "SUPERIOR", "GRID",
                            "PATROL"}
    general = [c for c in cases if c["procedure"] == "GENERAL" and c["decided_date"]]
    late = sum((c["decided_date"] - c["filed_date"]).days > 90 for c in general) / len(general)
    assert 0.02 < late < 0.12
    for case in cases:
        status = case["case_status"]
        assert (case["decided_date"] is not None) == (status != "FILED")
        assert (case["closed_date"] is not None) == (status == "CLOSED")
        if case["decision_type"] == "PENALTY":
            assert case["fine_amount"] > 0
            if case["procedure"] == "SIMPLE":
                assert case["fine_amount"] <= 200
        elif case["decision_type"] is not None:
            assert case["fine_amount"] == 0
        if case["entity_uscc"] is not None:
            assert USCC.fullmatch(str(case["entity_uscc"]))
        if case["party_id_no"] is not None:
            assert ID_NO.fullmatch(str(case["party_id_no"]))
        if case["party_phone"] is not None:
            assert PHONE.fullmatch(str(case["party_phone"]))
    assert max(c["updated_at"] for c in cases).date() <= DEFAULT_END


def test_entities_are_realistic(demo: Landed) -> None:
    tasks = list(demo.latest(TASKS).values())
    uscc_names = defaultdict(set)
    for task in tasks:
        assert USCC.fullmatch(str(task["entity_uscc"]))
        assert str(task["entity_uscc"])[2:8] == task["county_code"]
        assert str(task["town_code"]).startswith(str(task["county_code"]))
        uscc_names[task["entity_uscc"]].add(task["entity_name"])
        if task["latitude"] is not None:
            assert 28.5 < task["latitude"] < 29.4 and 118.2 < task["longitude"] < 119.4
    assert all(len(names) == 1 for names in uscc_names.values())
    leads = Counter(t["dept_code"] for t in tasks)
    one_plus_five = sum(leads[c] for c in ("ZHZF", "SCJG", "STHJ", "JTYS", "WSJK", "YJGL"))
    assert one_plus_five / len(tasks) > 0.7


def test_cli_writes_a_short_range(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    result = subprocess.run(
        [sys.executable, "-m", "sources.simulator", "generate", "--scenario", "quzhou",
         "--scale", "demo", "--landing", str(landing), "--start", "2020-03-01",
         "--end", "2020-03-07", "--quiet"],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    assert "inspection_tasks" in result.stdout
    assert len(list((landing / "inspection").iterdir())) == 7
    assert len(list((landing / "enforcement").glob("*/cases.jsonl"))) == 7
    assert (tmp_path / "simulator" / "defects.csv").is_file()
