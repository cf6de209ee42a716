"""Market register and credit-rating simulators: determinism, contracts, defects and the story.

Files are written the way the engine will write them (rows through ``writers.write_export``,
rating frames through ``credit.write_frame_export``), then read back by the ingest path.
"""

from __future__ import annotations

import zlib
from collections import Counter
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sources.contracts import TableContract
from sources.readers import FILE, LINE, REASON, ExportFile, read_exports
from sources.simulator import DEFAULT_SEED, SCALES, credit, generate, market
from sources.simulator.city import INDUSTRIES, N_ENTITIES
from sources.simulator.formats import Row
from sources.simulator.frames import write_frame
from sources.simulator.handoffs import Sanctioned
from sources.simulator.timeline import months
from sources.simulator.world import World, build_world
from sources.simulator.writers import LedgerEntry, WrittenFile, write_export
from sources.systems.enforcement import CASES
from sources.systems.inspection import TASKS
from sources.systems.market import CREDIT_RATINGS, ENTITIES, INDUSTRY_CODES
from sources.validate import ValidatedBatch, validate_batch

START, END = date(2020, 1, 1), date(2020, 2, 29)
RATED = (date(2019, 12, 1), date(2020, 1, 1))  # exported on 2020-01-01..03 and 02-01..03


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(DEFAULT_SEED, SCALES["demo"])


@pytest.fixture(scope="module")
def entity_rows(world: World) -> dict[date, list[Row]]:
    return market.export_rows(world, START, END)[ENTITIES.table_name]


def _rng(table: str, day: date, rate: float) -> np.random.Generator:
    return np.random.default_rng([zlib.crc32(table.encode()), day.toordinal(), int(rate * 1e4)])


def _land(root: Path, world: World, entity_rows: dict[date, list[Row]], rate: float
          ) -> tuple[dict[str, ValidatedBatch], list[LedgerEntry], dict[str, int]]:
    """Write both tables, read and validate them: per table the batch, the ledger, the rows."""
    written: dict[str, list[WrittenFile]] = {ENTITIES.table_name: [], CREDIT_RATINGS.table_name: []}
    for day, rows in entity_rows.items():
        written[ENTITIES.table_name].append(write_export(
            root, ENTITIES, day, rows, "utf-8", _rng(ENTITIES.table_name, day, rate), rate))
    for month in RATED:
        for day, frame in credit.rating_frames(world, month).items():
            written[CREDIT_RATINGS.table_name].append(write_frame(
                root, CREDIT_RATINGS, day, frame, _rng(CREDIT_RATINGS.table_name, day, rate),
                rate))
    batches, ledger, counts = {}, [], {}
    for contract in (ENTITIES, CREDIT_RATINGS):
        files = written[contract.table_name]
        exports = [ExportFile(root / f.relative, f.relative) for f in files]
        batches[contract.table_name] = validate_batch(contract, read_exports(exports, contract))
        ledger += [entry for f in files for entry in f.ledger]
        counts[contract.table_name] = sum(f.rows for f in files)
    return batches, ledger, counts


def test_world_holds_the_scales_share_of_entities(world: World) -> None:
    assert len(world.entities) == round(N_ENTITIES * SCALES["demo"]) == 3_200
    assert build_world(DEFAULT_SEED) is build_world(DEFAULT_SEED, 1.0)
    assert len(set(world.entities.uscc.tolist())) == len(world.entities)


def test_industry_codes_are_the_simulated_industries() -> None:
    assert frozenset(i.code for i in INDUSTRIES) == INDUSTRY_CODES


def test_deterministic(world: World, entity_rows: dict[date, list[Row]], tmp_path: Path) -> None:
    frames = credit.rating_frames(world, RATED[1])
    market._REGISTERS.clear()
    credit._LOST.clear()
    assert market.export_rows(world, START, END)[ENTITIES.table_name] == entity_rows
    again = credit.rating_frames(world, RATED[1])
    assert list(again) == list(frames)
    assert all(again[day].equals(frames[day]) for day in frames)
    files = [write_frame(tmp_path / name, CREDIT_RATINGS, day, frames[day],
                                       np.random.default_rng(7), 0.05)
             for name in ("a", "b") for day in list(frames)[:1]]
    assert files[0] == files[1]
    assert (tmp_path / "a" / files[0].relative).read_bytes() == (
        tmp_path / "b" / files[1].relative).read_bytes()


def test_clean_rows_are_contract_valid(world: World, entity_rows: dict[date, list[Row]],
                                       tmp_path: Path) -> None:
    batches, ledger, counts = _land(tmp_path, world, entity_rows, 0.0)
    assert not ledger
    for table, batch in batches.items():
        assert batch.quarantined.height == 0, batch.quarantined.head()
        assert batch.loaded.height == counts[table] > 0
    assert any(not rows for rows in entity_rows.values())  # header-only days read fine too


def test_quarantine_equals_ledger(world: World, entity_rows: dict[date, list[Row]],
                                  tmp_path: Path) -> None:
    batches, ledger, counts = _land(tmp_path, world, entity_rows, 0.05)
    for contract in (ENTITIES, CREDIT_RATINGS):
        expected = {(e.file, e.line, e.reason.value) for e in ledger
                    if e.entity == contract.entity}
        quarantined = batches[contract.table_name].quarantined
        found = set(quarantined.select(FILE, LINE, REASON).iter_rows())
        assert found == expected
        assert quarantined.height == len(expected)
        assert 0.03 < len(expected) / counts[contract.table_name] < 0.07
        assert len({reason for *_, reason in expected}) >= 6


def test_frame_writer_writes_what_the_row_writer_writes(entity_rows: dict[date, list[Row]],
                                                        tmp_path: Path) -> None:
    rows = entity_rows[START]
    frame = credit.frame_of_rows(ENTITIES, rows)
    clean = np.random.default_rng(0)
    by_rows = write_export(tmp_path / "rows", ENTITIES, START, rows, "utf-8", clean, 0.0)
    by_frame = write_frame(tmp_path / "frame", ENTITIES, START, frame, clean, 0.0)
    assert (tmp_path / "rows" / by_rows.relative).read_bytes() == (
        tmp_path / "frame" / by_frame.relative).read_bytes()
    gbk = write_frame(tmp_path / "gbk", ENTITIES, START, frame, clean, 0.0, "gbk")
    text = (tmp_path / "gbk" / gbk.relative).read_bytes().decode("gbk")
    assert text == (tmp_path / "rows" / by_rows.relative).read_text(encoding="utf-8")


def _landed_keys(root: Path, contract: TableContract, column: str) -> set[str]:
    files = [ExportFile(p, p.relative_to(root).as_posix())
             for p in sorted((root / contract.system).glob("*/*"))]
    loaded = validate_batch(contract, read_exports(files, contract)).loaded
    return set(loaded.get_column(column).drop_nulls().to_list())


def test_tasks_and_cases_name_registered_entities(tmp_path: Path) -> None:
    landing = tmp_path / "landing"
    generate(landing, scale="demo", start=START, end=END, defect_rate=0.0, progress=False)
    named = _landed_keys(landing, TASKS, "entity_uscc") | _landed_keys(landing, CASES,
                                                                       "entity_uscc")
    world = build_world(DEFAULT_SEED, SCALES["demo"])
    exported = {str(r["uscc"]) for rows in market.export_rows(world, START, END)[
        ENTITIES.table_name].values() for r in rows}
    assert len(named) > 100
    assert named <= exported


def test_lifecycle_arrives_as_later_rows(entity_rows: dict[date, list[Row]], world: World
                                         ) -> None:
    snapshot = {r["uscc"]: r for r in entity_rows[START]}
    assert len(snapshot) == len(world.entities)  # the pool is the stock on the first day
    later = [r for day, rows in entity_rows.items() if day > START for r in rows]
    assert all(str(r["updated_at"]) > str(snapshot[r["uscc"]]["updated_at"])
               for r in later if r["uscc"] in snapshot)
    changes = Counter((r["uscc"] in snapshot, r["status"]) for r in later)
    assert changes[(False, "OPERATING")] > 20  # new registrations
    for status in ("ABNORMAL", "OPERATING", "CLOSED"):
        assert changes[(True, status)] > 5, changes
    for r in later:
        assert r["status_date"] == str(r["updated_at"])[:10]
    long_run = market.export_rows(world, START, date(2022, 6, 30))[ENTITIES.table_name]
    latest: dict[object, Row] = {}
    for rows in long_run.values():
        latest.update({r["uscc"]: r for r in rows})
    statuses = Counter(r["status"] for r in latest.values())
    alive = statuses["OPERATING"] + statuses["ABNORMAL"]
    assert set(statuses) == {"OPERATING", "ABNORMAL", "REVOKED", "CLOSED"}
    assert 1.03 < alive / len(world.entities) < 1.2  # net growth over two and a half years
    assert 0.02 < statuses["ABNORMAL"] / alive < 0.08


def test_credit_mix_and_causes(world: World) -> None:
    reg = market.register(world)
    for month in (date(2020, 6, 1), date(2021, 6, 1), date(2022, 6, 1)):
        label = market.month_label(month)
        rated, score = credit.scores(world, label)
        grade = credit.classes(score)
        mix = np.bincount(grade, minlength=4) / len(grade)
        assert 0.24 < mix[0] < 0.38 and 0.47 < mix[1] < 0.63, mix
        assert 0.08 < mix[2] < 0.17 and 0.01 < mix[3] < 0.06, mix
        abnormal = reg.status_at_month_end(label)[rated] == market.ABNORMAL
        assert (grade[abnormal] >= 2).mean() > 0.9  # listed entities are C or D
        weight = reg.entities.case_weight[rated]
        means = [weight[grade == k].mean() for k in range(4)]
        assert means == sorted(means)  # riskier entities rate worse
        lost = credit.lost_points(world, label)[rated]
        assert lost[grade == 0].mean() < lost[grade == 1].mean() < lost[grade >= 2].mean()


def test_ratings_exported_early_next_month(world: World) -> None:
    frames = credit.rating_frames(world, date(2021, 3, 1))
    assert set(frames) == {date(2021, 4, 1), date(2021, 4, 2), date(2021, 4, 3)}
    frame = pl.concat(frames.values())
    assert frame.columns == CREDIT_RATINGS.column_names
    assert frame.get_column("rating_month").unique().to_list() == ["2021-03-01"]
    assert frame.get_column("uscc").is_unique().all()
    status = market.register(world).status_at_month_end(market.month_label(date(2021, 3, 1)))
    assert frame.height == int(np.isin(status, (market.OPERATING, market.ABNORMAL)).sum())
    for day, part in frames.items():
        stamps = part.get_column("updated_at")
        assert stamps.str.starts_with(day.isoformat()).all() and stamps.is_sorted()
    month = months(date(2021, 4, 2), date(2021, 4, 30))[0]
    assert list(credit.month_frames(world, month)) == [date(2021, 4, 2), date(2021, 4, 3)]


def test_inspection_weights_follow_class_and_status(world: World) -> None:
    weights = credit.inspection_weights(world, date(2021, 6, 1))
    label = market.month_label(date(2021, 5, 1))
    status = market.register(world).status_at_month_end(label)[: len(world.entities)]
    assert (weights[(status == market.CLOSED) | (status == market.REVOKED)] == 0).all()
    rated, score = credit.scores(world, label)
    pool = rated < len(world.entities)
    ratio = weights[rated[pool]] / world.entities.inspect_weight[rated[pool]]
    assert np.allclose(ratio, credit.INSPECTION_FACTOR[credit.classes(score[pool])])


def test_recorded_outcomes_set_the_credit_of_the_months_a_run_generated(world: World) -> None:
    """Inside a generation run, a month's lost points are the outcomes recorded for it (a
    penalty costs its points in the month decided, forgiven slowly after); a month the run
    did not generate is drawn; after the run, every month is drawn again."""
    label = market.month_label(date(2021, 6, 1))
    drawn = credit.lost_points(world, label).copy()
    rated, _ = credit.scores(world, label)
    later = market.register(world).status_at_month_end(label + 1)
    entity = int(rated[later[rated] == market.OPERATING][0])
    try:
        credit.start_run(world)
        credit.observe(world, label)
        credit.observe(world, label + 1)
        credit.record(world, Sanctioned("PENALTY", np.array([entity]),
                                        np.array(["2021-06-15"], dtype="datetime64[D]")))
        before = credit.lost_points(world, label - 1)  # not generated: drawn as before
        during = credit.lost_points(world, label)
        after = credit.lost_points(world, label + 1)
        expected = before * credit.FORGIVENESS
        expected[entity] += credit.PENALTY_POINTS
        status = market.register(world).status_at_month_end(label)
        expected[status == market.UNREGISTERED] = 0.0
        assert np.allclose(during, expected)
        assert after[entity] == pytest.approx(during[entity] * credit.FORGIVENESS)
        with pytest.raises(RuntimeError, match="scored before"):
            credit.record(world, Sanctioned("FAILED_INSPECTION", np.array([entity]),
                                            np.array(["2021-06-20"], dtype="datetime64[D]")))
    finally:
        credit.finish_run(world)
    assert np.array_equal(credit.lost_points(world, label), drawn)
