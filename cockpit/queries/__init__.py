"""Page queries over the marts: constant SQL, user choices bound as named parameters.

Why a builder instead of hand-written WHERE clauses: every page filters its facts by the same
period, county, town and department, and a missed filter would quietly show the whole city.
``fact_query`` writes that clause once from column names fixed in code (never from user
input) and records which mart and columns the query needs, so a page can ask
:meth:`FactQuery.available` first and show a short note instead of failing when a mart has
not arrived in the snapshot yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

import pandas as pd

from cockpit import data

Window = Literal["period", "year", "history", "until", "none"]
HISTORY_MONTHS = 24
SCHEMA = "marts"

REGISTRY: list[FactQuery] = []


def month_start(day: date) -> date:
    """First day of the month holding ``day``."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Scope:
    """One page's filter choice; ``None`` means "all" for a place or department."""

    period: date  # first day of the chosen month
    county: str | None = None
    town: str | None = None
    department: str | None = None
    as_of: date | None = None  # the data's as-of day, caps "today" for ageing

    @property
    def start(self) -> date:
        return self.period

    @property
    def end(self) -> date:
        """Exclusive end of the period (first day of the next month)."""
        return add_months(self.period, 1)

    @property
    def year_start(self) -> date:
        """Start of the twelve months that end with the period."""
        return add_months(self.period, -11)

    @property
    def history_start(self) -> date:
        """Start of the trend window that ends with the period."""
        return add_months(self.period, 1 - HISTORY_MONTHS)

    @property
    def reference_day(self) -> date:
        """The day open items are aged at: the period's last day, or the as-of day if earlier."""
        last = self.end - timedelta(days=1)
        return min(last, self.as_of) if self.as_of else last

    def params(self, **extra: object) -> dict[str, object]:
        """Every named parameter a scoped query may use (unused ones are dropped by data)."""
        return {
            "start": self.start,
            "end": self.end,
            "year_start": self.year_start,
            "history_start": self.history_start,
            "ref_day": self.reference_day,
            "county": self.county,
            "town": self.town,
            "department": self.department,
            **extra,
        }


@dataclass(frozen=True)
class FactQuery:
    """One constant SQL text over one mart, with the columns it cannot run without."""

    name: str
    table: str
    sql: str
    needs: tuple[str, ...]
    also: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())  # other marts it joins

    def available(self) -> bool:
        """The mart (and any joined mart) exists in this snapshot with the needed columns."""
        wanted = ((self.table, self.needs), *self.also)
        return all(data.has_columns(SCHEMA, table, cols) for table, cols in wanted)

    def run(self, scope: Scope, **extra: object) -> pd.DataFrame:
        """Execute with the scope (and any extra named values) bound, never spliced."""
        return data.query(self.sql, scope.params(**extra))


def scope_clause(
    date_column: str | None,
    window: Window = "period",
    county: str | None = "county_code",
    town: str | None = "town_code",
    department: str | None = "department_code",
) -> str:
    """The WHERE clause shared by page queries; arguments are column names from code."""
    clauses = []
    lower = {"period": "$start", "year": "$year_start", "history": "$history_start"}
    if date_column and window in lower:
        clauses.append(f"{date_column} >= {lower[window]}")
    if date_column and window != "none":
        clauses.append(f"{date_column} < $end")
    for column, name in ((county, "county"), (town, "town"), (department, "department")):
        if column:
            clauses.append(f"(${name}::varchar is null or {column} = ${name})")
    return " and ".join(clauses) or "true"


def fact_query(
    name: str,
    table: str,
    template: str,
    *,
    date_column: str | None,
    window: Window = "period",
    county: str | None = "county_code",
    town: str | None = "town_code",
    department: str | None = "department_code",
    needs: tuple[str, ...] = (),
    also: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> FactQuery:
    """Build (once, at import) a scoped query; ``{t}`` is the mart, ``{where}`` the scope.

    Column names may be qualified (``t.county_code``) when the template joins another table.
    """
    where = scope_clause(date_column, window, county, town, department)
    used = tuple(c.split(".")[-1] for c in (date_column, county, town, department) if c)
    query = FactQuery(
        name=name,
        table=table,
        sql=template.format(t=f"{SCHEMA}.{table}", where=where),
        needs=tuple(dict.fromkeys(used + needs)),
        also=also,
    )
    REGISTRY.append(query)
    return query
