"""The ingest path's fast paths give what the plain, line-by-line definitions give.

Decoding finds undecodable lines without decoding every line, blank lines and line numbers
come from a scan instead of splitting the text, Parquet rows get their raw JSON column-wise,
dates try their other formats only where the usual one fails, and validation builds reason
details only for quarantined rows. Each test states the plain definition and checks the
ingest path against it on inputs made to hit the edge cases.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import polars as pl
import pytest

from pipelines.bench_ingest import main as bench_main
from sources.read_csv import _blank_lines, _decode_csv, _stage
from sources.readers import ExportFile, csv_text, read_exports, rebuilt_raw_text
from sources.registry import contract_for
from sources.validate import validate, validate_batch
from tests.contract_rows import case_row, task_row

TASKS = contract_for("inspection_tasks")
CASES = contract_for("enforcement_cases")


PIECES = [
    "中文,甲\n".encode("gbk"),
    "中文,乙\n".encode(),
    b"\xff\xfe,bad\n",
    b"\n",
    b"  \r\n",
    "\u3000\n".encode(),
    b"q,\x81\n",
    b"plain,ascii\r\n",
    b"\x81",
]


def _decodes_as(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def plain_decode(data: bytes) -> tuple[str, str, list[tuple[int, bytes]]]:
    """The definition: UTF-8 if the file is; else the encoding more lines decode in, lines
    that do not decode left blank and kept aside."""
    if _decodes_as(data, "utf-8"):
        return data.decode("utf-8"), "utf-8", []
    lines = data.split(b"\n")

    gbk = sum(_decodes_as(line, "gbk") for line in lines)
    utf8 = sum(_decodes_as(line, "utf-8") for line in lines)
    encoding = "gbk" if gbk > utf8 else "utf-8"
    bad = [(n, line) for n, line in enumerate(lines, 1) if not _decodes_as(line, encoding)]
    text = "\n".join(
        line.decode(encoding) if _decodes_as(line, encoding) else "" for line in lines
    )
    return text, encoding, bad


def test_decoding_matches_the_line_by_line_definition(tmp_path: Path) -> None:
    chooser = random.Random(20220620)
    path = tmp_path / "x.csv"
    for _ in range(400):
        pieces = [chooser.choice(PIECES) for _ in range(chooser.randint(0, 9))]
        data = b"h1,h2\n" + b"".join(pieces)
        path.write_bytes(data)
        decoded = _decode_csv(ExportFile(path, "x.csv"))
        text, encoding, bad = plain_decode(data)
        assert (decoded.text, decoded.encoding, decoded.undecodable) == (text, encoding, bad)
        lines = text.split("\n")
        blank = [n for n, line in enumerate(lines, 1) if n > 1 and not line.strip()]
        assert _blank_lines(text) == blank
        staged = _stage(decoded, tmp_path, 0)  # what reading keeps once the text is dropped
        assert staged.blank_lines == blank
        assert staged.data_lines == sum(1 for line in lines[1:] if line.strip())
        assert staged.newlines == len(lines) - 1
        transcoded = encoding != "utf-8" or bool(bad)
        assert (staged.read_path != str(path)) == transcoded
        if transcoded:
            assert Path(staged.read_path).read_bytes().decode("utf-8") == text


def test_mostly_gbk_file_is_gbk_with_its_odd_lines_quarantined(tmp_path: Path) -> None:
    rows = [TASKS.column_names] + [
        [f"JC{n}"] + ["王建国"] * (len(TASKS.column_names) - 1) for n in range(3)
    ]
    data = csv_text(rows).encode("gbk") + "JC9,utf8 只\n".encode() + b"\n"
    path = tmp_path / "tasks.csv"
    path.write_bytes(data)
    raw = read_exports([ExportFile(path, "tasks.csv")], TASKS)
    assert raw.encodings == {"tasks.csv": "gbk"}
    assert raw.landed == {"tasks.csv": 4}
    assert raw.rows["_source_line"].to_list() == [2, 3, 4]
    assert raw.rejects.select("_source_line", "reason_code").rows() == [(5, "BAD_ENCODING")]


def write_tasks(path: Path, rows: list[list[str]], tail: str = "") -> Path:
    header = TASKS.column_names
    body = [[*row, *[""] * (len(header) - len(row))] for row in rows]
    path.write_text(csv_text([header, *body]) + tail, encoding="utf-8")
    return path


def test_line_numbers_skip_blank_and_broken_lines_and_give_up_on_multiline_fields(
    tmp_path: Path,
) -> None:
    plain = write_tasks(tmp_path / "a.csv", [["A"], ["B"]], tail="\n\nJC-CUT,PL\nC" + "," * 20)
    quoted = write_tasks(tmp_path / "b.csv", [["D", "line one\nline two"], ["E"]])
    files = [ExportFile(plain, "a.csv"), ExportFile(quoted, "b.csv")]
    raw = read_exports(files, TASKS)
    numbered = raw.rows.select("_source_file", "task_id", "_source_line").rows()
    assert numbered == [
        ("a.csv", "A", 2),
        ("a.csv", "B", 3),
        ("a.csv", "C", 7),
        ("b.csv", "D", None),  # a field spanning lines: no line numbers rather than wrong ones
        ("b.csv", "E", None),
    ]
    assert raw.rejects.select("_source_file", "_source_line").rows() == [("a.csv", 6)]
    assert raw.rejects["reason_detail"].to_list() == [
        "MISSING COLUMNS: Expected Number of Columns: 21 Found: 2"  # the line's real count
    ]
    assert raw.landed == {"a.csv": 4, "b.csv": 3}


def test_parquet_raw_text_is_the_rows_json(tmp_path: Path) -> None:
    odd = ['a"b', "c\\d", "x\ny", "\x01\x1f\x7f", "tab\t", None, "中文\u2028", "\b\f\r", ""]
    frame = pl.DataFrame(
        [case_row(case_no=f"C-{n}", party_name=text) for n, text in enumerate(odd)]
    ).with_columns(
        pl.Series("fine_amount", [1.5 * n for n in range(len(odd))]),
        pl.Series("filed_date", [dt.date(2021, 1, n + 1) for n in range(len(odd))]),
    )
    assert set(frame.columns) <= set(CASES.column_names)
    path = tmp_path / "cases.parquet"
    frame.write_parquet(path)
    raw = read_exports([ExportFile(path, "cases.parquet")], CASES)
    text = frame.select(pl.all().cast(pl.String))
    expected = [json.dumps(row, ensure_ascii=False) for row in text.iter_rows(named=True)]
    # the text is rebuilt from the fields when a row is quarantined: here, for every row
    assert raw.rows["_raw"].null_count() == raw.rows.height
    rebuilt = raw.rows.select(rebuilt_raw_text(raw.rebuild, raw.rows).alias("_raw"))
    assert rebuilt["_raw"].to_list() == expected


def text_rows(**columns: list[str | None]) -> pl.DataFrame:
    height = len(next(iter(columns.values())))
    base = {name: [None] * height for name in TASKS.column_names}
    return pl.DataFrame(
        base | columns, schema={n: pl.String for n in TASKS.column_names}
    ).with_columns(
        pl.lit("f.csv").alias("_source_file"),
        pl.int_range(2, height + 2, dtype=pl.Int64).alias("_source_line"),
        pl.lit("raw").alias("_raw"),
    )


def good(n: int, **overrides: str) -> dict[str, str]:
    return task_row(**({"task_id": f"JC{n}"} | overrides))


def validated(rows: list[dict[str, str | None]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    columns = {name: [row.get(name) for row in rows] for name in TASKS.column_names}
    batch = validate(TASKS, text_rows(**columns))
    return batch.loaded, batch.quarantined


def test_dates_fall_back_to_their_other_formats_only_where_needed() -> None:
    rows = [
        good(1),
        good(2, inspected_date="2021/03/05"),
        good(3, inspected_date="20210306", updated_at="2021-03-06T08:00:00"),
        good(4, inspected_date="06.03.2021"),
    ]
    loaded, quarantined = validated(rows)
    assert loaded["inspected_date"].to_list() == [
        dt.date(2021, 3, 4),
        dt.date(2021, 3, 5),
        dt.date(2021, 3, 6),
    ]
    assert loaded["updated_at"][2] == dt.datetime(2021, 3, 6, 8)
    assert quarantined.select("_source_line", "reason_code", "reason_detail").rows() == [
        (5, "BAD_TYPE", "inspected_date=06.03.2021 is not a date")
    ]


def test_detail_names_the_first_failing_check_of_the_most_basic_reason() -> None:
    rows = [
        good(1, dept_code="XXJ", town_code="330899999"),  # two unknown codes: first column's
        good(2, dept_code="XXJ", finding_count="N/A"),  # BAD_TYPE outranks UNKNOWN_CODE
        good(3, task_id=" ", dept_code="XXJ"),  # MISSING_REQUIRED outranks everything
    ]
    _, quarantined = validated(rows)
    assert quarantined.select("reason_code", "reason_detail").rows() == [
        ("UNKNOWN_CODE", "town_code=330899999 is not a known code"),
        ("BAD_TYPE", "finding_count=N/A is not a int"),
        ("MISSING_REQUIRED", "task_id is empty"),
    ]


def test_invalid_copies_do_not_count_as_first_copies() -> None:
    rows = [
        good(1, dept_code="XXJ"),  # invalid: its valid twin below is the first copy
        good(1),
        good(1, task_id=" JC1 "),  # same typed key once stripped: a duplicate
        good(1, updated_at="2021-03-05 10:00:00"),  # a later version: loads
    ]
    loaded, quarantined = validated(rows)
    assert loaded["_source_line"].to_list() == [3, 5]
    assert quarantined.select("_source_line", "reason_code", "reason_detail").rows() == [
        (2, "UNKNOWN_CODE", "dept_code=XXJ is not a known code"),
        (4, "DUPLICATE", "copy of task_id= JC1 , updated_at=2021-03-04 10:31:00"),
    ]


def test_validation_of_an_empty_batch() -> None:
    batch = validate_batch(TASKS, read_exports([], TASKS))
    assert batch.loaded.height == 0 and batch.quarantined.height == 0
    assert batch.loaded.columns[: len(TASKS.columns)] == TASKS.column_names


def test_bench_prints_every_stage_per_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "landing" / "inspection" / "2021-03-04"
    folder.mkdir(parents=True)
    write_tasks(folder / "tasks.csv", [list(good(n).values()) for n in range(3)])
    assert bench_main(["--landing", str(tmp_path / "landing"), "--tables", "inspection_tasks"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| inspection_tasks"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[1:3] == ["1", "3"]  # one file, three rows
    assert len(cells) == 13  # stages, rates, CPU; bare: wall, rate, CPU, ratios
