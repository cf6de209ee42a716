"""The generated drill-down: the rows behind a value reproduce the value.

``indicators.drilldown`` holds, per category, the query listing the fact rows behind a value's
numerator and denominator (the catalogue's own expressions and filters) and the query adding
them back up. For values of every category at every kind of slice, both are run with the
value's key and must give back the numerator and denominator the indicator layer stored.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from cockpit.views import PAGES

KEY = ("period_grain", "period_start", "geo_level", "geo_code", "department_code")


def snapshot(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data_dir / "warehouse" / "cockpit.duckdb"), read_only=True)


def sample_values(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """A few values of every category: one per kind of slice (city, county, town, a
    department), from the latest period each has, so every measure and fact is exercised."""
    return con.sql(
        """
        with ranked as (
            select v.*, row_number() over (
                partition by category_code, geo_level, department_code = 'ALL'
                order by period_start desc, geo_code, department_code
            ) as nth
            from indicators."values" as v
        )
        select category_code, period_grain, period_start, geo_level, geo_code,
               department_code, numerator, denominator
        from ranked where nth = 1
        """
    ).pl()


def close(expected: float | None, actual: float | None) -> bool:
    if expected is None or actual is None:
        return expected is None and actual is None
    return abs(expected - actual) <= 1e-9 * (1 + abs(expected))


def aggregate(rows: pl.DataFrame, aggregate_expr: str) -> float | None:
    """The part from the listed rows, computed in polars rather than SQL."""
    amounts = rows.get_column("drill_amount").drop_nulls()
    if aggregate_expr.startswith("count(distinct"):
        return float(amounts.n_unique())
    amounts = amounts.cast(pl.Float64)
    if aggregate_expr.startswith("quantile_cont"):
        share = 0.5 if "0.5" in aggregate_expr else 0.9
        return amounts.quantile(share, interpolation="linear") if amounts.len() else None
    return float(amounts.sum())


def test_every_category_has_a_numerator_query(published_data_dir: Path) -> None:
    with snapshot(published_data_dir) as con:
        missing = con.execute(
            """select category_code from indicators.catalog except
               select category_code from indicators.drilldown where part = 'numerator'"""
        ).fetchall()
        no_denominator = con.execute(
            """select category_code from indicators.catalog
               where measure in ('ratio', 'mean', 'share') except
               select category_code from indicators.drilldown where part = 'denominator'"""
        ).fetchall()
    assert missing == [] and no_denominator == []


def test_drilldown_rows_reproduce_the_values(published_data_dir: Path) -> None:
    with snapshot(published_data_dir) as con:
        queries = {
            (code, part): (rows_sql, total_sql, aggregate_expr)
            for code, part, rows_sql, total_sql, aggregate_expr in con.execute(
                "select category_code, part, rows_sql, total_sql, aggregate_expr "
                "from indicators.drilldown"
            ).fetchall()
        }
        values = sample_values(con)
        categories = set(values.get_column("category_code"))
        checked, wrong = 0, []
        for value in values.iter_rows(named=True):
            params = {k: value[k] for k in KEY}
            for part in ("numerator", "denominator"):
                if (value["category_code"], part) not in queries:
                    continue
                rows_sql, total_sql, aggregate_expr = queries[(value["category_code"], part)]
                total = con.execute(total_sql, params).fetchall()[0][0]
                listed = aggregate(con.sql(rows_sql, params=params).pl(), aggregate_expr)
                expected = value[part]
                if not (close(expected, total) and close(expected, listed)):
                    wrong.append((value["category_code"], part, params, expected, total, listed))
                checked += 1
    assert wrong == [], wrong[:5]
    with snapshot(published_data_dir) as con:
        catalogued = {r[0] for r in con.execute("select category_code from indicators.catalog")
                      .fetchall()}
    assert categories == catalogued and checked >= len(catalogued)


@pytest.mark.parametrize("geo_level", ["city", "county", "town"])
def test_a_count_lists_exactly_its_records(published_data_dir: Path, geo_level: str) -> None:
    """For a count, the number of listed rows is the value itself."""
    with snapshot(published_data_dir) as con:
        rows_sql = con.execute(
            "select rows_sql from indicators.drilldown "
            "where category_code = 'ENF_CASES_FILED' and part = 'numerator'"
        ).fetchall()[0][0]
        value = con.sql(
            """select * from indicators."values" where category_code = 'ENF_CASES_FILED'
               and geo_level = $level and department_code = 'ALL' and period_grain = 'month'
               order by value desc, geo_code limit 1""",
            params={"level": geo_level},
        ).pl().row(0, named=True)
        listed = con.sql(rows_sql, params={k: value[k] for k in KEY}).pl()
    assert listed.height == value["value"] > 0
    assert listed.get_column("case_no").n_unique() == listed.height


def test_the_catalogue_feeds_exactly_the_cockpits_the_app_serves(
    published_data_dir: Path,
) -> None:
    """META_COCKPITS counts the cockpit codes the catalogue names; they must be the pages."""
    with snapshot(published_data_dir) as con:
        named = {
            r[0]
            for r in con.execute(
                "select distinct cockpit_code from marts.fct_catalog_months"
            ).fetchall()
        }
    assert named == {page.url_path for page in PAGES if page.is_cockpit}


def test_the_cockpit_lists_the_rows_behind_a_tile(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cockpit's "numerator only" records are the generated drill-down's rows: for a
    count in a county, as many rows as the tile's value, and typed text still binds."""
    from cockpit.queries import Scope
    from cockpit.queries.records import RecordSet, load_records

    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    with snapshot(published_data_dir) as con:
        period, county, value = con.execute(
            """select period_start, geo_code, value from indicators."values"
               where category_code = 'ENF_CASES_FILED' and geo_level = 'county'
                 and department_code = 'ALL' and period_grain = 'month' and value <= 200
               order by value desc, period_start desc limit 1"""
        ).fetchall()[0]
    cases = RecordSet("ENF_CASES_FILED", "fct_cases", "filed_date", "cases")
    listed = load_records(cases, Scope(period, county=county), numerator_only=True)
    assert len(listed) == value > 0
    assert set(listed["county_code"]) == {county}
    hostile = load_records(cases, Scope(period, county="330800' or 1=1 --"), True)
    assert hostile.empty
