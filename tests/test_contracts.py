"""Contract tests: every defect class lands in quarantine with its reason, and nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.loading import read_range, write_range
from sources.contracts import Reason, TableContract
from sources.readers import ExportFile, RawBatch, csv_text, read_exports
from sources.registry import CONTRACTS, contract_for
from sources.validate import ValidatedBatch, validate_batch
from tests.contract_rows import case_row, task_row

TASKS = contract_for("inspection_tasks")
CASES = contract_for("enforcement_cases")
DAY = dt.date(2021, 3, 4)




def write_csv(path: Path, rows: list[dict[str, str]], encoding: str = "utf-8") -> Path:
    lines = [TASKS.column_names] + [[row[name] for name in TASKS.column_names] for row in rows]
    path.write_bytes(csv_text(lines).encode(encoding))
    return path


def read_one(contract: TableContract, path: Path) -> tuple[RawBatch, ValidatedBatch]:
    raw = read_exports([ExportFile(path, path.name)], contract)
    batch = validate_batch(contract, raw)
    assert raw.landed[path.name] == batch.loaded.height + batch.quarantined.height, "row lost"
    return raw, batch


def reasons_by_line(contract: TableContract, path: Path) -> dict[int, str]:
    _, batch = read_one(contract, path)
    return dict(batch.quarantined.select("_source_line", "reason_code").iter_rows())


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"task_id": ""}, Reason.MISSING_REQUIRED),
        ({"inspected_date": "2021-02-30"}, Reason.BAD_TYPE),
        ({"finding_count": "N/A"}, Reason.BAD_TYPE),
        ({"dept_code": "XXJ"}, Reason.UNKNOWN_CODE),
        ({"town_code": "330899999"}, Reason.UNKNOWN_CODE),
        ({"latitude": "91.3"}, Reason.OUT_OF_RANGE),
        ({"finding_count": "-1"}, Reason.OUT_OF_RANGE),
        ({"rectified_date": "2021-03-01"}, Reason.DATE_ORDER),
    ],
)
def test_csv_defect_is_quarantined_with_its_reason(
    tmp_path: Path, overrides: dict[str, str], reason: Reason
) -> None:
    good = task_row(task_id="JC-GOOD")
    bad = task_row(**overrides)
    path = write_csv(tmp_path / "tasks.csv", [good, bad])
    assert reasons_by_line(TASKS, path) == {3: reason.value}


def test_duplicate_copy_is_quarantined_and_first_copy_loads(tmp_path: Path) -> None:
    row = task_row()
    path = write_csv(tmp_path / "tasks.csv", [row, row])
    _, batch = read_one(TASKS, path)
    assert batch.loaded["_source_line"].to_list() == [2]
    assert batch.quarantined.select("_source_line", "reason_code").rows() == [(3, "DUPLICATE")]


def test_later_state_of_same_key_is_not_a_duplicate(tmp_path: Path) -> None:
    first = task_row()
    later = task_row(rectified_date="2021-03-10", updated_at="2021-03-10 09:00:00")
    path = write_csv(tmp_path / "tasks.csv", [first, later])
    assert reasons_by_line(TASKS, path) == {}


def test_truncated_line_and_bad_bytes_keep_their_raw_text(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tasks.csv", [task_row(task_id="A"), task_row(task_id="B")])
    data = path.read_bytes() + b"JC-CUT,PL1,9133\n" + b"JC-BYTES,PL1,\xff\xfe,x\n"
    path.write_bytes(data)
    _, batch = read_one(TASKS, path)
    quarantined = {
        line: (reason, text)
        for line, text, reason in batch.quarantined.select(
            "_source_line", "_raw", "reason_code"
        ).iter_rows()
    }
    assert quarantined[4] == ("MALFORMED_ROW", "JC-CUT,PL1,9133")
    assert quarantined[5][0] == "BAD_ENCODING" and quarantined[5][1].startswith("JC-BYTES")
    assert batch.loaded.height == 2


def test_quarantined_row_keeps_its_line_as_landed(tmp_path: Path) -> None:
    """A parsed row's text is rebuilt only once it is quarantined; it must still be the
    file's line byte for byte, quotes included, in the file's own column order, and with
    columns outside the contract (which staging drops) kept."""
    odd = task_row(task_id="JC-ODD", dept_code="XXJ", entity_name='味道"小馆", 二店')
    header = list(reversed(TASKS.column_names))
    path = tmp_path / "tasks.csv"
    path.write_text(csv_text([header, [odd[name] for name in header]]), encoding="utf-8")
    _, batch = read_one(TASKS, path)
    line = path.read_text(encoding="utf-8").splitlines()[1]
    assert batch.quarantined.select("_source_line", "_raw").rows() == [(2, line)]

    extra = tmp_path / "extra.csv"
    extra.write_text(
        csv_text([[*TASKS.column_names, "remark"], [*(odd[n] for n in TASKS.column_names), "x"]]),
        encoding="utf-8",
    )
    _, batch = read_one(TASKS, extra)
    line = extra.read_text(encoding="utf-8").splitlines()[1]
    assert batch.quarantined["_raw"].to_list() == [line] and line.endswith(",x")


def test_quarantined_parquet_row_keeps_its_fields_as_json(tmp_path: Path) -> None:
    good, bad = case_row(case_no="C-1"), case_row(case_no="C-2", party_name='甲"乙')
    bad["filed_date"], bad["closed_date"] = "2021-05-01", "2021-04-01"  # closed before filed
    path = tmp_path / "cases.parquet"
    pl.DataFrame([good, bad]).write_parquet(path)
    _, batch = read_one(CASES, path)
    [(line, text)] = batch.quarantined.select("_source_line", "_raw").rows()
    # values as text, as every format is validated (the parquet column may be numeric)
    assert line == 2 and json.loads(text) == {
        name: None if value is None else str(value) for name, value in bad.items()
    }


def test_gbk_export_is_read_as_gbk(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tasks.csv", [task_row()], encoding="gbk")
    raw, batch = read_one(TASKS, path)
    assert raw.encodings[path.name] == "gbk"
    assert batch.loaded["inspector_name"].to_list() == ["王建国"]


def test_file_missing_a_required_column_is_quarantined_whole(tmp_path: Path) -> None:
    folder = tmp_path / "landing" / "inspection" / DAY.isoformat()
    folder.mkdir(parents=True)
    (folder / "tasks.csv").write_text("task_id,comment\nJC1,hello\nJC2,world\n", encoding="utf-8")
    load = read_range(tmp_path / "landing", TASKS, DAY, DAY)
    assert load.loaded.height == 0
    assert load.quarantined["reason_code"].unique().to_list() == ["SCHEMA_MISMATCH"]
    assert load.files[0].landed == 3 == load.files[0].quarantined  # header line included


def test_batch_of_files_keeps_each_files_lines_and_duplicates_apart(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    days = [DAY, DAY + dt.timedelta(days=1)]
    for day, encoding in zip(days, ("utf-8", "gbk"), strict=True):
        folder = landing / "inspection" / day.isoformat()
        folder.mkdir(parents=True)
        rows = [task_row(), task_row(task_id="JC-X", dept_code="XXJ"), task_row(task_id="JC-Y")]
        write_csv(folder / "tasks.csv", rows, encoding=encoding)
    load = read_range(landing, TASKS, days[0], days[1])
    # the same record version sent on two days is not a within-file duplicate
    assert load.loaded.select("_partition_date", "_source_line", "task_id").sort(
        "_partition_date", "_source_line"
    ).rows() == [
        (days[0], 2, "JC2021030400001"),
        (days[0], 4, "JC-Y"),
        (days[1], 2, "JC2021030400001"),
        (days[1], 4, "JC-Y"),
    ]
    assert load.quarantined.select("_partition_date", "_source_line", "reason_code").sort(
        "_partition_date"
    ).rows() == [(days[0], 3, "UNKNOWN_CODE"), (days[1], 3, "UNKNOWN_CODE")]
    assert [(f.encoding, f.landed, f.loaded, f.quarantined) for f in load.files] == [
        ("utf-8", 3, 2, 1),
        ("gbk", 3, 2, 1),
    ]


def test_jsonl_defects(tmp_path: Path) -> None:
    lines = [
        json.dumps(case_row(), ensure_ascii=False),
        json.dumps(case_row(case_no="C-2", closed_date="2021-01-01"), ensure_ascii=False),
        json.dumps(case_row(case_no="C-3", fine_amount="lots"), ensure_ascii=False),
        json.dumps(case_row(case_no="C-4"), ensure_ascii=False)[:60],
        json.dumps(case_row(case_no="C-5", procedure="SECRET"), ensure_ascii=False),
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert reasons_by_line(CASES, path) == {
        2: "DATE_ORDER",
        3: "BAD_TYPE",
        4: "MALFORMED_ROW",
        5: "UNKNOWN_CODE",
    }


def test_parquet_export_validates_like_the_others(tmp_path: Path) -> None:
    rows = [case_row(), case_row(case_no="C-2", dept_code="XXJ")]
    path = tmp_path / "cases.parquet"
    pl.DataFrame(rows).write_parquet(path)
    assert reasons_by_line(CASES, path) == {2: "UNKNOWN_CODE"}


def test_rerunning_a_day_replaces_it(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    folder = landing / "inspection" / DAY.isoformat()
    folder.mkdir(parents=True)
    write_csv(folder / "tasks.csv", [task_row(), task_row(task_id="X", dept_code="XXJ")])
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        for run in ("first", "second"):
            load = read_range(landing, TASKS, DAY, DAY)
            write_range(con, TASKS, load, DAY, DAY, run)
        counts = con.execute(
            "select (select count(*) from raw.inspection_tasks), "
            "(select count(*) from quarantine.inspection_tasks), "
            "(select count(*) from meta.ingest_files), "
            "(select max(_run_id) from raw.inspection_tasks)"
        ).fetchone()
    assert counts == (1, 1, 1, "second")


def test_every_contract_is_consistent() -> None:
    for contract in CONTRACTS:
        assert contract.key and all(contract.column(name).required for name in contract.key)
        assert contract.formats


def test_contract_documentation_is_current() -> None:
    from sources.docs import CONTRACTS_DOC, render

    assert CONTRACTS_DOC.read_text(encoding="utf-8") == render(), (
        "docs/contracts.md is stale: run `python -m sources.docs`"
    )
