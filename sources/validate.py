"""Validate text rows against a contract: typed rows that pass, quarantined rows that do not.

Every check is a vectorised polars expression, so the same code serves a demo day and a
full-scale backfill. A row with several defects is quarantined once, for the most basic one
(see ``REASON_PRIORITY``), with a detail naming the offending column and value.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sources.contracts import REASON_PRIORITY, Column, Reason, TableContract
from sources.readers import DETAIL, FILE, LINE, RAW, REASON, RawBatch, RawForm, rebuilt_raw_text

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
    return _parse(column, _DATE_FORMATS if column.type == "date" else _TIMESTAMP_FORMATS)


def _parse(column: Column, formats: tuple[str, ...]) -> pl.Expr:
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
    target = pl.Date if column.type == "date" else pl.Datetime("us")
    attempts = [text.str.strptime(target, fmt, strict=False, exact=True) for fmt in formats]
    return pl.coalesce(attempts) if len(attempts) > 1 else attempts[0]


def _typed(name: str) -> pl.Expr:
    return pl.col(f"__t_{name}")


def _present(column: Column) -> pl.Expr:
    """Whether the text holds a value: non-blank. For a string column that is its typed value
    not being null; other columns keep a flag, computed once with the typed values."""
    if column.type == "string":
        return _typed(column.name).is_not_null()
    return pl.col(f"__p_{column.name}")


def _with_typed(contract: TableContract, rows: pl.DataFrame) -> pl.DataFrame:
    """The rows with every column's typed value (``__t_<name>``) and, for non-string columns,
    whether the text was present (``__p_<name>``), each computed once.

    Dates and timestamps are parsed with their first (usual) format; the other formats are
    tried only on columns where some present value did not parse with it, which gives the
    same values as trying every format on every row.
    """
    exprs = []
    for c in contract.columns:
        formats = _DATE_FORMATS if c.type == "date" else _TIMESTAMP_FORMATS
        exprs.append(_parse(c, formats[:1]).alias(f"__t_{c.name}"))
        if c.type != "string":
            text = pl.col(c.name).str.strip_chars()
            exprs.append((text.is_not_null() & (text != "")).alias(f"__p_{c.name}"))
    frame = rows.with_columns(exprs)
    dated = [c for c in contract.columns if c.type in ("date", "timestamp")]
    if not dated or not frame.height:
        return frame
    unparsed = frame.select(
        (_present(c) & _typed(c.name).is_null()).any().alias(c.name) for c in dated
    ).row(0, named=True)
    retry = [c for c in dated if unparsed[c.name]]
    return frame.with_columns(parse_column(c).alias(f"__t_{c.name}") for c in retry)


def _checks(contract: TableContract) -> dict[Reason, list[tuple[pl.Expr, pl.Expr]]]:
    """For each reason, its checks in column order: (fails, detail text), on typed rows."""

    def said(name: str) -> pl.Expr:
        return pl.lit(f"{name}=") + pl.col(name).fill_null("")

    missing = [(~_present(c), pl.lit(f"{c.name} is empty")) for c in contract.columns if c.required]
    bad_type = [
        (_present(c) & _typed(c.name).is_null(), said(c.name) + pl.lit(f" is not a {c.type}"))
        for c in contract.columns
        if c.type != "string"
    ]
    unknown = [
        (
            _typed(c.name).is_not_null() & ~_typed(c.name).is_in(sorted(c.codes)),
            said(c.name) + pl.lit(" is not a known code"),
        )
        for c in contract.columns
        if c.codes is not None
    ]
    out_of_range = []
    for c in contract.columns:
        if c.minimum is not None:
            out_of_range.append(
                (_typed(c.name) < c.minimum, said(c.name) + pl.lit(f" < {c.minimum}"))
            )
        if c.maximum is not None:
            out_of_range.append(
                (_typed(c.name) > c.maximum, said(c.name) + pl.lit(f" > {c.maximum}"))
            )
    date_order = [
        (_typed(o.later) < _typed(o.earlier), said(o.later) + pl.lit(" before ") + said(o.earlier))
        for o in contract.date_orders
    ]
    return {
        Reason.MISSING_REQUIRED: missing,
        Reason.BAD_TYPE: bad_type,
        Reason.UNKNOWN_CODE: unknown,
        Reason.OUT_OF_RANGE: out_of_range,
        Reason.DATE_ORDER: date_order,
    }


def _reason(checks: dict[Reason, list[tuple[pl.Expr, pl.Expr]]]) -> pl.Expr:
    """The most basic reason a row fails for (``REASON_PRIORITY``), null if it passes."""
    expr: pl.Expr | None = None
    for code in [r for r in REASON_PRIORITY if checks.get(r)]:
        fails = pl.any_horizontal(condition.fill_null(False) for condition, _ in checks[code])
        expr = (pl.when(fails) if expr is None else expr.when(fails)).then(pl.lit(code.value))
    return pl.lit(None, pl.String) if expr is None else expr.otherwise(pl.lit(None, pl.String))


def _detail(
    contract: TableContract, checks: dict[Reason, list[tuple[pl.Expr, pl.Expr]]]
) -> pl.Expr:
    """The detail of a quarantined row's reason: its first failing check, in column order.

    Evaluated on quarantined rows only: building the text for every row is what made
    validation slow, and passing rows never show it.
    """
    expr = pl.when(pl.col(REASON) == Reason.DUPLICATE.value).then(
        pl.lit("copy of ")
        + pl.concat_str(
            [pl.lit(f"{name}=") + pl.col(name).fill_null("") for name in contract.duplicate_key],
            separator=", ",
        )
    )
    for code, conditions in checks.items():
        for condition, detail in conditions:
            expr = expr.when((pl.col(REASON) == code.value) & condition).then(detail)
    return expr.otherwise(pl.lit(None, pl.String))


def validate(
    contract: TableContract,
    rows: pl.DataFrame,
    rebuild: dict[str, RawForm] | None = None,
) -> ValidatedBatch:
    """Split text rows into typed rows that meet the contract and rows to quarantine.

    ``rows`` holds the contract columns as text plus ``_source_line``, ``_raw`` and any
    lineage columns, which are carried through to both outputs. Duplicates are judged on
    key + version within each file: the first occurrence loads, every later copy is
    quarantined. Copies across files are left to staging, where the latest state wins, so a
    day's outcome never depends on which other days were ingested with it.

    ``rebuild`` names the files whose rows were read without ``_raw`` (by label, with how
    their rows read as text): a quarantined row of those gets its text rebuilt from its fields.
    """
    checks = _checks(contract)
    lineage = [name for name in rows.columns if name not in contract.column_names]
    judged = _with_typed(contract, rows).with_columns(_reason(checks).alias(REASON))
    judged = _mark_duplicates(contract, judged)
    loaded = judged.filter(pl.col(REASON).is_null()).select(
        *[_typed(c.name).cast(POLARS_TYPES[c.type]).alias(c.name) for c in contract.columns],
        *[pl.col(name) for name in lineage if name != RAW],
    )
    quarantined = judged.filter(pl.col(REASON).is_not_null())
    quarantined = (
        quarantined.with_columns(
            _detail(contract, checks).alias(DETAIL),
            *([rebuilt_raw_text(rebuild, quarantined).alias(RAW)] if rebuild else []),
        )
        .select(*[pl.col(name) for name in lineage], pl.col(REASON), pl.col(DETAIL))
    )
    return ValidatedBatch(loaded=loaded, quarantined=quarantined)


def _mark_duplicates(contract: TableContract, judged: pl.DataFrame) -> pl.DataFrame:
    """Mark every later copy of an otherwise-valid row's key + version as a duplicate.

    Copies are counted in row order within groups of valid rows sharing file and typed
    key + version (invalid rows form groups of their own and are never marked).
    """
    scope = [FILE] if FILE in judged.columns else []
    valid = pl.col(REASON).is_null()
    groups = [
        valid,
        *[pl.col(name) for name in scope],
        *[_typed(n) for n in contract.duplicate_key],
    ]
    copy = pl.int_range(pl.len()).over(groups)
    return judged.with_columns(
        pl.when(valid & (copy > 0))
        .then(pl.lit(Reason.DUPLICATE.value))
        .otherwise(pl.col(REASON))
        .alias(REASON)
    )


def validate_batch(contract: TableContract, raw: RawBatch) -> ValidatedBatch:
    """Validate a batch of files, folding in the lines their readers could not parse."""
    batch = validate(contract, raw.rows, raw.rebuild)
    columns = [FILE, LINE, RAW, REASON, DETAIL]
    quarantined = pl.concat([batch.quarantined.select(columns), raw.rejects.select(columns)])
    return ValidatedBatch(loaded=batch.loaded, quarantined=quarantined.sort(FILE, LINE))
