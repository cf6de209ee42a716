"""执法监督: reconsiderations and lawsuits, case-file audits and oversight flags of one month.

Oversight acts on the cases a month filed (``enforcement.CaseMonth``), whatever month its own
records fall in: about 1% of penalty decisions are taken to reconsideration (行政复议) and
0.3% to court (行政诉讼), and the share revoked falls as the reform raises the quality of
decisions; each quarter the audit office scores about 3% of the general-procedure cases closed
in the quarter (案卷评查), and scores improve with the reform; the oversight model flags a
case past its decision limit without an approved extension, a fine unpaid past its deadline,
a failed audit, and a clue the clue centre left unassessed past 15 days (inaction: the task or
12345 ticket behind it), and each flag is rectified and then verified. About 10k records a
year at full scale. Every record is drawn when its case cohort is generated, from
``Stream.OVERSIGHT``, and exported on the days it happens, up to the scenario's end.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from sources.simulator import grid_events as fx
from sources.simulator import sampling
from sources.simulator.case_events import labels
from sources.simulator.enforcement import CaseMonth
from sources.simulator.handoffs import SystemMonth
from sources.simulator.timeline import Month, reform_progress
from sources.simulator.world import Stream, World
from sources.systems.enforcement import (
    ASSESSMENT_LIMIT_DAYS,
    DECISION_LIMIT_DAYS,
    PAYMENT_LIMIT_DAYS,
)
from sources.systems.oversight import FILE_AUDITS, FLAGS, REVIEWS

DAY = 86_400
AUDIT_SHARE = 0.03
REVIEW_TYPES = ("RECONSIDERATION", "LITIGATION")
OUTCOMES = ("UPHELD", "REVOKED", "CHANGED", "CONFIRMED_ILLEGAL", "WITHDRAWN", "SETTLED")
# Outcome shares before and after the reform, per review type (rows: type; columns: outcome).
OUTCOMES_BEFORE = np.array([[0.70, 0.14, 0.04, 0.03, 0.07, 0.02],
                            [0.66, 0.12, 0.02, 0.04, 0.13, 0.03]])
OUTCOMES_AFTER = np.array([[0.81, 0.05, 0.03, 0.02, 0.07, 0.02],
                           [0.77, 0.04, 0.02, 0.02, 0.12, 0.03]])
GRADES = ((90.0, "EXCELLENT"), (80.0, "GOOD"), (60.0, "PASS"), (0.0, "FAIL"))
FLAG_TYPES = ("OVERDUE_DECISION", "INACTION", "UNPAID_FINE", "FILE_DEFECT")
RECTIFY_DAYS = np.array([15, 7, 30, 30])  # days given to rectify, per flag type
PENALTY = 0
Columns = dict[str, np.ndarray]


def generate_month(world: World, month: Month, cases: CaseMonth, end: date) -> SystemMonth:
    """Reviews, audits and flags of the cases ``month`` filed, exported up to ``end``."""
    rng = world.rng(Stream.OVERSIGHT, month.label)
    end_s = fx.epoch_seconds(end) + DAY
    reviews = _reviews(rng, cases)
    audits = _audits(rng, cases)
    flags = _flags(rng, cases, audits)
    frames = {
        REVIEWS.table_name: _review_rows(world, month, reviews, cases, end_s),
        FILE_AUDITS.table_name: _audit_rows(world, month, audits, cases, end_s),
        FLAGS.table_name: _flag_rows(world, month, flags, end_s),
    }
    contracts = {c.table_name: c for c in (REVIEWS, FILE_AUDITS, FLAGS)}
    return SystemMonth(
        frames={table: fx.split_days(frame, contracts[table]) for table, frame in
                frames.items()},
        records={  # records that start by the end (a later review is not filed yet)
            REVIEWS.table_name: int((reviews["filed"] * DAY < end_s).sum()),
            FILE_AUDITS.table_name: int((audits["day"] * DAY < end_s).sum()),
            FLAGS.table_name: int((flags["raised"] * DAY < end_s).sum()),
        },
    )


def progress_on(days: np.ndarray) -> np.ndarray:
    """The reform's progress in the month of each epoch day."""
    month = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    labels = 1970 * 12 + month  # Month.label: year * 12 + month - 1
    return np.array([reform_progress(Month(label // 12, label % 12 + 1, ()))
                     for label in labels.tolist()], dtype=float)


# --- reconsideration and litigation ----------------------------------------------------------


def _reviews(rng: np.random.Generator, cases: CaseMonth) -> Columns:
    """About 1% of penalty decisions are reconsidered, 0.3% litigated; some upheld
    reconsiderations go on to court (复议后起诉)."""
    n = len(cases.case_no)
    penalty = (cases.decision == PENALTY) & (cases.served >= 0)
    u = rng.random(n)
    recon = penalty & (u < np.where(cases.simple, 0.003, 0.013))
    suit = penalty & ~recon & (u < np.where(cases.simple, 0.0035, 0.017))
    first = np.r_[np.flatnonzero(recon), np.flatnonzero(suit)]
    kind = np.r_[np.zeros(recon.sum(), dtype=np.int64), np.ones(suit.sum(), dtype=np.int64)]
    window = np.where(kind == 0, rng.integers(3, 61, len(first)),
                      rng.integers(10, 181, len(first)))
    filed = cases.served[first] + window
    reviews = _decide_reviews(rng, {"case": first, "kind": kind, "filed": filed})
    upheld = np.flatnonzero((reviews["kind"] == 0) & (reviews["outcome"] == 0)
                            & (rng.random(len(first)) < 0.12))
    then = {"case": first[upheld], "kind": np.ones(len(upheld), dtype=np.int64),
            "filed": reviews["decided"][upheld] + rng.integers(1, 16, len(upheld))}
    later = _decide_reviews(rng, then)
    return {name: np.r_[reviews[name], later[name]] for name in reviews}


def _decide_reviews(rng: np.random.Generator, reviews: Columns) -> Columns:
    n = len(reviews["case"])
    kind = reviews["kind"]
    span = np.where(kind == 0, rng.integers(20, 91, n), rng.integers(60, 201, n))
    decided = reviews["filed"] + span
    progress = progress_on(decided)[:, None]
    probs = (OUTCOMES_BEFORE[kind] * (1 - progress) + OUTCOMES_AFTER[kind] * progress)
    return {**reviews, "decided": decided, "outcome": sampling.categorical(rng, probs)}


def _review_rows(world: World, month: Month, reviews: Columns, cases: CaseMonth,
                 end_s: int) -> pl.DataFrame:
    n = len(reviews["case"])
    prefix = np.array(["FY", "SS"])[reviews["kind"]]
    ids = [f"{p}{month.yyyymm}{i:05d}" for i, p in enumerate(prefix.tolist(), start=1)]
    times = _office_times(np.stack([reviews["filed"], reviews["decided"]], axis=1),
                          world.rng(Stream.OVERSIGHT, month.label, 1))
    row, stage = fx.last_per_day(times, np.ones((n, 2), dtype=bool), end_s)
    decided = pl.Series(stage == 1)
    frame = pl.DataFrame({
        "review_id": pl.Series(ids, dtype=pl.String),
        "case_no": pl.Series(cases.case_no[reviews["case"]].tolist(), dtype=pl.String),
        "review_type": labels(REVIEW_TYPES, reviews["kind"]),
        "filed_date": _dates(reviews["filed"]), "decided_date": _dates(reviews["decided"]),
        "outcome": labels(OUTCOMES, reviews["outcome"]),
        **_owner(world, cases, reviews["case"]),
    })[row]
    return frame.with_columns(
        *(pl.when(decided).then(pl.col(c)).otherwise(None).alias(c)
          for c in ("decided_date", "outcome")),
        labels(("FILED", "DECIDED"), stage).alias("status"),
        fx.datetimes(times[row, stage]).alias("updated_at"),
    )


# --- case-file audits ------------------------------------------------------------------------


def _audits(rng: np.random.Generator, cases: CaseMonth) -> Columns:
    """A 3% sample of the general cases, audited in the month after the quarter they closed
    in; deductions shrink as the reform standardises files."""
    n = len(cases.case_no)
    sampled = np.flatnonzero(~cases.simple & (rng.random(n) < AUDIT_SHARE))
    closed = cases.closed[sampled].astype("datetime64[D]")
    quarter_month = closed.astype("datetime64[M]").astype(np.int64) // 3 * 3
    audit_month = (quarter_month + 3).astype("datetime64[M]").astype("datetime64[D]")
    day = audit_month.astype(np.int64) + rng.integers(9, 26, len(sampled))
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
    day = day + np.where(weekday >= 5, 7 - weekday, 0)  # a weekend day moves to Monday
    progress = progress_on(day)
    deduction = rng.gamma(2.0, 10.0 - 4.5 * progress)
    score = np.round(np.clip(100.0 - deduction, 30.0, 100.0), 1)
    problems = np.minimum(rng.poisson(deduction / 5.0), 50)
    problems = np.maximum(problems, np.where(score < 60, 3, np.where(score < 100, 1, 0)))
    years = quarter_month // 12 + 1970
    batch = [f"{y}Q{q + 1}" for y, q in zip(years.tolist(), (quarter_month % 12 // 3).tolist(),
                                             strict=True)]
    return {"case": sampled, "day": day, "score": score, "problems": problems,
            "batch": np.array(batch, dtype=object)}


def _grades(score: np.ndarray) -> np.ndarray:
    """优秀 from 90, 良好 from 80, 合格 from 60, else 不合格."""
    floors = np.array([floor for floor, _ in GRADES])
    return np.array([g for _, g in GRADES])[np.argmax(score[:, None] >= floors, axis=1)]


def _audit_rows(world: World, month: Month, audits: Columns, cases: CaseMonth,
                end_s: int) -> pl.DataFrame:
    n = len(audits["case"])
    times = _office_times(audits["day"][:, None], world.rng(Stream.OVERSIGHT, month.label, 2))
    keep = times[:, 0] < end_s
    frame = pl.DataFrame({
        "audit_id": pl.Series([f"PC{month.yyyymm}{i:05d}" for i in range(1, n + 1)],
                              dtype=pl.String),
        "case_no": pl.Series(cases.case_no[audits["case"]].tolist(), dtype=pl.String),
        "audit_batch": pl.Series(audits["batch"].tolist(), dtype=pl.String),
        "audit_date": _dates(audits["day"]), "score": audits["score"].astype(np.float64),
        "grade": _grades(audits["score"]),
        "problem_count": audits["problems"].astype(np.int64),
        **_owner(world, cases, audits["case"]),
        "updated_at": fx.datetimes(times[:, 0]),
    })
    return frame.filter(pl.Series(keep))


# --- oversight flags -------------------------------------------------------------------------


def _flags(rng: np.random.Generator, cases: CaseMonth, audits: Columns) -> Columns:
    """Flags raised from the records, each with the day it is rectified: an overdue case
    when it is decided, an unpaid fine when paid (or the case closed after execution), a
    failed file when redone, a clue left lying when it is assessed."""
    overdue = np.flatnonzero(~cases.simple & ~cases.extended
                             & (cases.decided - cases.filed > DECISION_LIMIT_DAYS))
    unpaid = np.flatnonzero(cases.enforced)
    unpaid_raised = (cases.served[unpaid] + PAYMENT_LIMIT_DAYS + 1
                     + rng.integers(0, 4, len(unpaid)))
    settled = np.where(cases.paid[unpaid] >= 0, cases.paid[unpaid], cases.closed[unpaid])
    failed = audits["score"] < 60
    defect_raised = audits["day"][failed] + rng.integers(1, 6, int(failed.sum()))
    groups = (
        _on_cases("OVERDUE_DECISION", cases, overdue,
                  cases.filed[overdue] + DECISION_LIMIT_DAYS + 1, cases.decided[overdue]),
        {"kind": np.full(len(cases.slow_ref), FLAG_TYPES.index("INACTION")),
         "ref": cases.slow_ref, "object": cases.slow_object, "dept": cases.slow_dept,
         "county": cases.slow_county, "rectified": cases.slow_assessed,
         "raised": cases.slow_received + ASSESSMENT_LIMIT_DAYS + 1},
        _on_cases("UNPAID_FINE", cases, unpaid, unpaid_raised,
                  np.maximum(settled, unpaid_raised)),
        _on_cases("FILE_DEFECT", cases, audits["case"][failed], defect_raised,
                  defect_raised + rng.integers(5, 41, len(defect_raised))),
    )
    flags = {name: np.concatenate([group[name] for group in groups]) for name in groups[0]}
    flags["deadline"] = flags["raised"] + RECTIFY_DAYS[flags["kind"]]
    flags["verified"] = flags["rectified"] + rng.integers(1, 11, len(flags["kind"]))
    return flags


def _on_cases(kind: str, cases: CaseMonth, rows: np.ndarray, raised: np.ndarray,
              rectified: np.ndarray) -> Columns:
    """Flags of one type on the cases at ``rows``."""
    return {"kind": np.full(len(rows), FLAG_TYPES.index(kind)), "ref": cases.case_no[rows],
            "object": np.full(len(rows), "CASE", dtype=object), "dept": cases.dept[rows],
            "county": cases.county[rows], "rectified": rectified.astype(np.int64),
            "raised": raised.astype(np.int64)}


def _flag_rows(world: World, month: Month, flags: Columns, end_s: int) -> pl.DataFrame:
    n = len(flags["kind"])
    days = np.stack([flags["raised"], flags["rectified"], flags["verified"]], axis=1)
    times = _office_times(days, world.rng(Stream.OVERSIGHT, month.label, 3))
    row, stage = fx.last_per_day(times, np.ones(days.shape, dtype=bool), end_s)
    frame = pl.DataFrame({
        "flag_id": pl.Series([f"JD{month.yyyymm}{i:05d}" for i in range(1, n + 1)],
                             dtype=pl.String),
        "flag_type": labels(FLAG_TYPES, flags["kind"]),
        "object_type": pl.Series(flags["object"].astype(object).tolist(), dtype=pl.String),
        "object_ref": pl.Series(flags["ref"].astype(object).tolist(), dtype=pl.String),
        "dept_code": labels(world.departments.codes, flags["dept"]),
        "county_code": labels(world.geo.county_codes, flags["county"]),
        "raised_date": _dates(flags["raised"]), "rectify_deadline": _dates(flags["deadline"]),
        "rectified_date": _dates(flags["rectified"]), "verified_date": _dates(flags["verified"]),
    })[row]
    return frame.with_columns(
        *(pl.when(pl.Series(stage >= k)).then(pl.col(c)).otherwise(None).alias(c)
          for k, c in ((1, "rectified_date"), (2, "verified_date"))),
        labels(("FLAGGED", "RECTIFIED", "VERIFIED"), stage).alias("status"),
        fx.datetimes(times[row, stage]).alias("updated_at"),
    )


# --- shared ----------------------------------------------------------------------------------


def _office_times(days: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Epoch seconds in office hours on each day, increasing along each row."""
    seconds = np.sort(rng.integers(sampling.DAY_START, sampling.DAY_END, days.shape), axis=1)
    return days.astype(np.int64) * DAY + seconds


def _dates(days: np.ndarray) -> pl.Series:
    return pl.Series(days.astype(np.int64), dtype=pl.Int64).cast(pl.Int32).cast(pl.Date)


def _owner(world: World, cases: CaseMonth, rows: np.ndarray) -> dict[str, pl.Series]:
    return {"county_code": labels(world.geo.county_codes, cases.county[rows]),
            "dept_code": labels(world.departments.codes, cases.dept[rows])}
