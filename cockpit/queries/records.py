"""Drill-down: the latest records behind an indicator or a page's facts, personal data removed.

A catalogue category names its fact model, date column and numerator filter. The drill-down
reads those names, but only after checking each one against the snapshot's own
``information_schema`` (an unknown table or column simply offers no drill-down), and it
accepts a numerator filter only in the plain shapes ``col``, ``not col``,
``col = 'VALUE'`` and ``col is [not] null`` joined by ``and``: the column is checked, the
value is bound as a parameter. User choices are bound too, so nothing typed reaches SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from cockpit import data
from cockpit.queries import SCHEMA, Scope

ROW_LIMIT = 200
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_TERM = re.compile(
    r"^\s*(?:(?P<neg>not)\s+)?(?P<col>[a-z_][a-z0-9_]*)\s*"
    r"(?:(?P<eq>=)\s*'(?P<val>[^']*)'|(?P<null>is(?:\s+not)?\s+null))?\s*$",
    re.IGNORECASE,
)
# Columns that could identify a natural person. Marts already leave names, ID numbers and
# phones in the build database; this is the second fence, applied to whatever a mart carries.
_PERSONAL = re.compile(
    r"(name|id_no|idcard|id_card|phone|mobile|telephone|address|staff_id|reporter|inspector"
    r"|handler(?!_post)|person|birth)",
    re.IGNORECASE,
)
_ORGANISATIONAL = frozenset({"team_name", "item_name"})
_DEPARTMENT_COLUMNS = ("department_code", "routed_department_code")


@dataclass(frozen=True)
class Term:
    """One validated piece of a numerator filter."""

    column: str
    kind: str  # "true", "false", "eq", "null", "not_null"
    value: str | None = None


@dataclass(frozen=True)
class RecordSet:
    """A mart and date column whose rows can be listed for the page's slice."""

    key: str
    table: str
    date_column: str
    label: str
    terms: tuple[Term, ...] = ()  # "numerator only" condition, empty when none
    by_department: bool = True


def is_personal(column: str) -> bool:
    """Whether a column may identify a natural person (never shown, never exported)."""
    return column not in _ORGANISATIONAL and bool(_PERSONAL.search(column))


def parse_filter(text: object) -> tuple[Term, ...] | None:
    """Split a catalogue filter into checked terms; None when it is not a plain shape."""
    if not isinstance(text, str) or not text.strip() or text.strip().lower() == "true":
        return None
    terms = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        match = _TERM.match(part)
        if not match:
            return None
        column = match["col"].lower()
        if match["eq"]:
            terms.append(Term(column, "eq", match["val"]))
        elif match["null"]:
            kind = "not_null" if "not" in match["null"].lower() else "null"
            terms.append(Term(column, kind))
        else:
            terms.append(Term(column, "false" if match["neg"] else "true"))
    return tuple(terms)


def usable(record_set: RecordSet) -> bool:
    """The table and every column the record set names exist in this snapshot."""
    names = (record_set.table, record_set.date_column, *(t.column for t in record_set.terms))
    if not all(_IDENT.match(name) for name in names):
        return False
    columns = set(data.table_columns(SCHEMA, record_set.table))
    needed = {record_set.date_column, *(t.column for t in record_set.terms)}
    return bool(columns) and needed <= columns


def _condition(terms: tuple[Term, ...]) -> tuple[str, dict[str, object]]:
    parts, params = [], {}
    for index, term in enumerate(terms):
        column = f'"{term.column}"'
        if term.kind == "eq":
            parts.append(f"{column} = $v{index}")
            params[f"v{index}"] = term.value
        else:
            parts.append(
                {
                    "true": f"coalesce({column}, false)",
                    "false": f"not coalesce({column}, true)",
                    "null": f"{column} is null",
                    "not_null": f"{column} is not null",
                }[term.kind]
            )
    return " and ".join(parts), params


def records_sql(record_set: RecordSet, numerator_only: bool) -> tuple[str, dict[str, object]]:
    """The listing query for a usable record set: checked identifiers, bound values."""
    columns = data.table_columns(SCHEMA, record_set.table)
    shown = [c for c in columns if not is_personal(c)]
    where = [f'"{record_set.date_column}" >= $start', f'"{record_set.date_column}" < $end']
    for column, name in (("county_code", "county"), ("town_code", "town")):
        if column in columns:
            where.append(f'(${name}::varchar is null or "{column}" = ${name})')
    department = next((c for c in _DEPARTMENT_COLUMNS if c in columns), None)
    if department and record_set.by_department:
        where.append(f'($department::varchar is null or "{department}" = $department)')
    params: dict[str, object] = {}
    if numerator_only and record_set.terms:
        condition, params = _condition(record_set.terms)
        where.append(condition)
    select = ", ".join(f'"{c}"' for c in shown)
    sql = (
        f'select {select} from {SCHEMA}."{record_set.table}" where {" and ".join(where)} '
        f'order by "{record_set.date_column}" desc limit $limit'
    )
    return sql, params


def value_key(scope: Scope) -> dict[str, object]:
    """The key of the indicator value a tile shows for the scope: its month and slice."""
    if scope.town:
        geo_level, geo_code = "town", scope.town
    elif scope.county:
        geo_level, geo_code = "county", scope.county
    else:
        geo_level, geo_code = "city", None
    return {
        "period_grain": "month",
        "period_start": scope.period,
        "geo_level": geo_level,
        "geo_code": geo_code or "",
        "department_code": scope.department or "ALL",
    }


def generated_rows_sql(category_code: str) -> str | None:
    """The listing of a category's numerator rows generated by the indicator layer
    (indicators.drilldown): the catalogue's own expression and filter, so the rows are exactly
    those the tile's number counts. None for a snapshot without it."""
    if "rows_sql" not in data.table_columns("indicators", "drilldown"):
        return None
    found = data.query(
        "select rows_sql from indicators.drilldown where category_code = $code "
        "and part = 'numerator'",
        {"code": category_code},
    )
    return None if found.empty else str(found["rows_sql"].iloc[0])


def load_records(record_set: RecordSet, scope: Scope, numerator_only: bool) -> pd.DataFrame:
    """Latest rows of the record set in the scope, personal columns already removed."""
    return data.query(*records_query(record_set, scope, numerator_only))


def records_query(
    record_set: RecordSet, scope: Scope, numerator_only: bool
) -> tuple[str, dict[str, object]]:
    """The query :func:`load_records` runs, and its bound values.

    "Numerator only" on a catalogue category lists the rows behind the tile's value with the
    generated drill-down query when the snapshot has one; the columns shown are still only
    the checked, non-personal columns of the fact."""
    generated = generated_rows_sql(record_set.key) if numerator_only else None
    if generated is not None and usable(record_set):
        shown = [c for c in data.table_columns(SCHEMA, record_set.table) if not is_personal(c)]
        select = ", ".join(f'"{c}"' for c in shown)
        sql = (
            f'select {select} from ({generated}) as numerator_rows '
            f'order by "{record_set.date_column}" desc limit $limit'
        )
        return sql, {**value_key(scope), "limit": ROW_LIMIT}
    sql, params = records_sql(record_set, numerator_only)
    return sql, scope.params(limit=ROW_LIMIT, **params)


def from_category(category: pd.Series, label: str) -> RecordSet:
    """The record set behind one catalogue category (its numerator as the optional filter)."""
    return RecordSet(
        key=str(category["category_code"]),
        table=str(category.get("fact_model") or ""),
        date_column=str(category.get("date_column") or ""),
        label=label,
        terms=parse_filter(category.get("numerator_filter")) or (),
        by_department=bool(category.get("slice_by_department")),
    )
