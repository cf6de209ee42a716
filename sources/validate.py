"""Validate text rows against a contract: typed rows that pass, quarantined rows that do not.

Every check is a vectorised polars expression, so the same code serves a demo day and a
full-scale backfill. A row with several defects is quarantined once, for the most basic one
(see ``REASON_PRIORITY``), with a detail naming the offending column and value.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sources.contracts import REASON_PRIORITY, Column, Reason, TableContract
from sources.readers import DETAIL, FILE, LINE, RAW, REASON, RawBatch

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d")
_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y/%m/%d %H:%M:%S")
_TRUE = ("1", "true", "True", "TRUE", "Y", "y", "是")
_FALSE = ("0", "false", "False", "FALSE", "N", "n", "否")

POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "int": pl.Int64(),
    "float": pl.Float64(),
    "date": pl.Date(),
    "timestamp": pl.Datetime("us"),
    "bool": pl.Boolean(),
}


@dataclass(frozen=True)
class ValidatedBatch:
    """The outcome of validating one or more files of one table."""

    loaded: pl.DataFrame  # typed contract columns + _source_line (+ any lineage columns)
    quarantined: pl.DataFrame  # _source_line, _raw, reason_code, reason_detail (+ lineage)


def parse_column(column: Column) -> pl.Expr:
    """The typed value of a text column; null where the text does not parse."""
    text = pl.col(column.name).str.strip_chars()
    text = pl.when(text == "").then(None).otherwise(text)
    if column.type == "string":
        return text
    if column.type == "int":
        return text.cast(pl.Int64, strict=False)
    if column.type == "float":
        return text.cast(pl.Float64, strict=False)
    if column.type == "bool":
        return pl.when(text.is_in(_TRUE)).then(True).when(text.is_in(_FALSE)).then(False)
    formats = _DATE_FORMATS if column.type == "date" else _TIMESTAMP_FORMATS
    target = pl.Date if column.type == "date" else pl.Datetime("us")
    attempts = [text.str.strptime(target, fmt, strict=False, exact=True) for fmt in formats]
    return pl.coalesce(attempts)


def _present(name: str) -> pl.Expr:
    text = pl.col(name).str.strip_chars()
    return text.is_not_null() & (text != "")


def _failures(contract: TableContract, typed: dict[str, pl.Expr]) -> dict[Reason, pl.Expr]:
    """For each reason, an expression giving the detail text where a row fails (else null)."""

    def first(conditions: list[tuple[pl.Expr, pl.Expr]]) -> pl.Expr:
        if not conditions:
            return pl.lit(None, pl.String)
        expr = pl.when(conditions[0][0]).then(conditions[0][1])
        for condition, detail in conditions[1:]:
            expr = expr.when(condition).then(detail)
        return expr.otherwise(None)

    def said(name: str) -> pl.Expr:
        return pl.lit(f"{name}=") + pl.col(name).fill_null("")

    missing = [
        (~_present(c.name), pl.lit(f"{c.name} is empty")) for c in contract.columns if c.required
    ]
    bad_type = [
        (_present(c.name) & typed[c.name].is_null(), said(c.name) + pl.lit(f" is not a {c.type}"))
        for c in contract.columns
        if c.type != "string"
    ]
    unknown = [
        (
            typed[c.name].is_not_null() & ~typed[c.name].is_in(sorted(c.codes)),
            said(c.name) + pl.lit(" is not a known code"),
        )
        for c in contract.columns
        if c.codes is not None
    ]
    out_of_range = []
    for c in contract.columns:
        if c.minimum is not None:
            out_of_range.append(
                (typed[c.name] < c.minimum, said(c.name) + pl.lit(f" < {c.minimum}"))
            )
        if c.maximum is not None:
            out_of_range.append(
                (typed[c.name] > c.maximum, said(c.name) + pl.lit(f" > {c.maximum}"))
            )
    date_order = [
        (typed[o.later] < typed[o.earlier], said(o.later) + pl.lit(" before ") + said(o.earlier))
        for o in contract.date_orders
    ]
    return {
        Reason.MISSING_REQUIRED: first(missing),
        Reason.BAD_TYPE: first(bad_type),
        Reason.UNKNOWN_CODE: first(unknown),
        Reason.OUT_OF_RANGE: first(out_of_range),
        Reason.DATE_ORDER: first(date_order),
    }


def validate(contract: TableContract, rows: pl.DataFrame) -> ValidatedBatch:
    """Split text rows into typed rows that meet the contract and rows to quarantine.

    ``rows`` holds the contract columns as text plus ``_source_line``, ``_raw`` and any
    lineage columns, which are carried through to both outputs. Duplicates are judged on
    key + version within each file: the first occurrence loads, every later copy is
    quarantined. Copies across files are left to staging, where the latest state wins, so a
    day's outcome never depends on which other days were ingested with it.
    """
    typed = {c.name: parse_column(c) for c in contract.columns}
    failures = _failures(contract, typed)
    reason = pl.lit(None, pl.String)
    detail = pl.lit(None, pl.String)
    for code in reversed([r for r in REASON_PRIORITY if r in failures]):
        reason = pl.when(failures[code].is_not_null()).then(pl.lit(code.value)).otherwise(reason)
        detail = pl.when(failures[code].is_not_null()).then(failures[code]).otherwise(detail)
    lineage = [name for name in rows.columns if name not in contract.column_names]
    judged = rows.with_columns(reason.alias(REASON), detail.alias(DETAIL))
    judged = _mark_duplicates(contract, judged, typed)
    passed = judged.filter(pl.col(REASON).is_null())
    loaded = passed.select(
        *[typed[c.name].cast(POLARS_TYPES[c.type]).alias(c.name) for c in contract.columns],
        *[pl.col(name) for name in lineage if name != RAW],
    )
    quarantined = judged.filter(pl.col(REASON).is_not_null()).select(
        *[pl.col(name) for name in lineage], pl.col(REASON), pl.col(DETAIL)
    )
    return ValidatedBatch(loaded=loaded, quarantined=quarantined)


def _mark_duplicates(
    contract: TableContract, judged: pl.DataFrame, typed: dict[str, pl.Expr]
) -> pl.DataFrame:
    """Mark every later copy of an otherwise-valid row's key + version as a duplicate."""
    key = list(contract.duplicate_key)
    scope = [FILE] if FILE in judged.columns else []
    valid = pl.col(REASON).is_null()
    key_exprs = [typed[name].alias(f"__k_{name}") for name in key]
    with_keys = judged.with_columns(*key_exprs, pl.int_range(pl.len()).alias("__order"))
    key_names = [f"__k_{name}" for name in key]
    copies = (
        with_keys.filter(valid)
        .with_columns(pl.int_range(pl.len()).over(scope + key_names).alias("__copy"))
        .select("__order", "__copy")
    )
    described = pl.lit("copy of ") + pl.concat_str(
        [pl.lit(f"{name}=") + pl.col(name).fill_null("") for name in key], separator=", "
    )
    return (
        with_keys.join(copies, on="__order", how="left")
        .with_columns(
            pl.when(pl.col("__copy") > 0)
            .then(pl.lit(Reason.DUPLICATE.value))
            .otherwise(pl.col(REASON))
            .alias(REASON),
            pl.when(pl.col("__copy") > 0).then(described).otherwise(pl.col(DETAIL)).alias(DETAIL),
        )
        .sort("__order")
        .drop(*key_names, "__order", "__copy")
    )


def validate_batch(contract: TableContract, raw: RawBatch) -> ValidatedBatch:
    """Validate a batch of files, folding in the lines their readers could not parse."""
    batch = validate(contract, raw.rows)
    columns = [FILE, LINE, RAW, REASON, DETAIL]
    quarantined = pl.concat([batch.quarantined.select(columns), raw.rejects.select(columns)])
    return ValidatedBatch(loaded=batch.loaded, quarantined=quarantined.sort(FILE, LINE))
