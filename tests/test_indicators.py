"""Indicators recomputed independently: polars over the published facts, not the catalogue SQL.

Each oracle below restates one category's definition by hand. If the generated SQL, the
catalogue row or the facts drift apart, the values stop matching.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.oracles import ORACLES

SLICES = {  # geo level -> the fact column that names the slice
    "county": "county_code",
    "town": "town_code",
}


def entity_months(tasks: pl.DataFrame) -> pl.DataFrame:
    """Inspection days per entity and month, straight from the task facts."""
    return (
        tasks.with_columns(pl.col("inspected_date").dt.truncate("1mo").alias("month_start"))
        .sort("inspected_date")
        .group_by("entity_uscc", "month_start")
        .agg(
            pl.col("inspected_date").n_unique().alias("inspection_days"),
            pl.col("county_code").last(),
            pl.col("town_code").last(),
        )
    )


def load_facts(con: duckdb.DuckDBPyConnection, table: str) -> pl.DataFrame:
    if table == "entity_months":
        return entity_months(con.sql("select * from marts.fct_inspection_tasks").pl())
    return con.sql(f"select * from marts.{table}").pl()


def snapshot(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data_dir / "warehouse" / "cockpit.duckdb"), read_only=True)


def recompute(
    facts: pl.DataFrame, date_column: str, value: Callable[[], pl.Expr], by: list[str]
) -> pl.DataFrame:
    with_period = facts.filter(pl.col(date_column).is_not_null()).with_columns(
        pl.col(date_column).dt.truncate("1mo").alias("period_start")
    )
    if by:  # a register's city-level records form no county or town slice
        with_period = with_period.filter(pl.all_horizontal(pl.col(by).is_not_null()))
    return (
        with_period.group_by(["period_start", *by])
        .agg(value().alias("expected"))
        .filter(pl.col("expected").is_not_null() & pl.col("expected").is_not_nan())
    )


def finish(
    measure: str, expected: pl.DataFrame, city: pl.DataFrame, by: list[str]
) -> pl.DataFrame:
    """Turn per-period amounts into the measure: a share of the city's amount, or the year
    to date; other measures are already what the oracle computed."""
    if measure == "share":
        totals = city.select("period_start", pl.col("expected").alias("city_total"))
        return expected.join(totals, on="period_start").select(
            "period_start", *by, (pl.col("expected") / pl.col("city_total")).alias("expected")
        )
    if measure == "cumulative":
        return expected.sort("period_start").with_columns(
            pl.col("expected").cum_sum().over([*by, pl.col("period_start").dt.year()])
        )
    return expected


MEASURES = {"count", "distinct_count", "sum", "ratio", "mean", "median", "p90", "share",
            "cumulative"}


def test_oracles_span_every_measure_and_name_catalogued_categories(
    published_data_dir: Path,
) -> None:
    """At least 20 categories, and every measure type, are recomputed independently."""
    with snapshot(published_data_dir) as con:
        measures = dict(
            con.execute("select category_code, measure from indicators.catalog").fetchall()
        )
    assert set(ORACLES) <= set(measures), sorted(set(ORACLES) - set(measures))
    assert len(ORACLES) >= 20
    assert {measures[code] for code in ORACLES} == MEASURES


def test_department_slices_only_where_the_fact_has_departments(
    published_data_dir: Path,
) -> None:
    """A category sliced by department needs a department_code column in its fact."""
    with snapshot(published_data_dir) as con:
        missing = con.execute(
            """select category_code, fact_model from indicators.catalog
               where slice_by_department and fact_model not in (
                   select table_name from information_schema.columns
                   where table_schema = 'marts' and column_name = 'department_code')"""
        ).fetchall()
    assert missing == []


def test_every_category_has_values_and_every_value_a_category(published_data_dir: Path) -> None:
    with snapshot(published_data_dir) as con:
        unvalued = con.execute(
            "select category_code from indicators.catalog except "
            'select category_code from indicators."values"'
        ).fetchall()
        orphans = con.execute(
            'select distinct category_code from indicators."values" except '
            "select category_code from indicators.catalog"
        ).fetchall()
    assert unvalued == [] and orphans == []


@pytest.mark.parametrize("category", sorted(ORACLES))
@pytest.mark.parametrize("level", ["city", "county", "town", "department"])
def test_indicator_matches_independent_recomputation(
    published_data_dir: Path, category: str, level: str
) -> None:
    table, date_column, value = ORACLES[category]
    with snapshot(published_data_dir) as con:
        facts = load_facts(con, table)
        by_department, measure = con.execute(
            "select slice_by_department, measure from indicators.catalog where category_code = ?",
            [category],
        ).fetchall()[0]
        # fetchall, not fetchone: DuckDB 2.0 refuses con.sql() while a result is unfinished
        city_row = con.execute(
            "select geo_code from marts.dim_geography where geo_level = 'city'"
        ).fetchall()[0]
        if level == "department":
            where, by = "geo_level = 'city' and department_code <> 'ALL'", ["department_code"]
        elif level == "city":
            where, by = "geo_level = 'city' and department_code = 'ALL'", []
        else:
            where, by = f"geo_level = '{level}' and department_code = 'ALL'", [SLICES[level]]
        actual = con.sql(
            f'select period_start, geo_code, department_code, value from indicators."values" '
            f"where category_code = $category and period_grain = 'month' and {where}",
            params={"category": category},
        ).pl()
    if level == "department" and not by_department:
        assert actual.height == 0
        return
    expected = finish(
        measure, recompute(facts, date_column, value, by), recompute(facts, date_column, value, []),
        by,
    )
    key = by[0] if by else None
    if level == "department":
        actual = actual.select("period_start", "department_code", "value")
    elif key:
        actual = actual.select("period_start", pl.col("geo_code").alias(key), "value")
    else:
        assert city_row and set(actual["geo_code"]) == {city_row[0]}
        actual = actual.select("period_start", "value")
    joined = expected.join(actual, on=["period_start", *by], how="full", coalesce=True)
    if by and facts.get_column(by[0]).null_count() == facts.height:
        assert joined.height == 0  # e.g. the item catalogue has no towns: no town slices
        return
    assert joined.height > 0
    mismatched = joined.filter(
        pl.col("value").is_null()
        | pl.col("expected").is_null()
        | ((pl.col("value") - pl.col("expected")).abs() > 1e-9 * (1 + pl.col("expected").abs()))
    )
    assert mismatched.height == 0, mismatched.head(10)


def test_counts_add_up_from_towns_to_counties_to_city(published_data_dir: Path) -> None:
    with snapshot(published_data_dir) as con:
        gaps = con.execute(
            """
            with additive as (
                select v.*, g.parent_code
                from indicators."values" as v
                join indicators.catalog as c using (category_code)
                join marts.dim_geography as g on g.geo_code = v.geo_code
                where c.additive and v.department_code = 'ALL'
                  and v.period_grain = 'month'
            ),
            children as (
                select category_code, period_start, parent_code as geo_code,
                       sum(value) as child_total
                from additive where geo_level in ('county', 'town')
                group by all
            )
            select a.category_code, a.period_start, a.geo_code, a.value, c.child_total
            from additive as a
            join children as c using (category_code, period_start, geo_code)
            where abs(a.value - c.child_total) > 1e-6
            """
        ).fetchall()
        compared = con.execute(
            """select count(*) from indicators."values" as v join indicators.catalog as c
               using (category_code) where c.measure = 'count' and geo_level <> 'town'"""
        ).fetchone()
    assert compared and compared[0] > 0
    assert gaps == []


def test_inspection_days_fall_from_five_to_seven_to_two_to_three(published_data_dir: Path) -> None:
    """The seed's enterprise-burden figure: 5–7 inspection days a month before the reform
    (2020), 2–3 after (2022 H1), computed by the pipeline from the task records."""
    with snapshot(published_data_dir) as con:
        before, after = con.execute(
            """
            select avg(value) filter (where year(period_start) = 2020),
                   avg(value) filter (where period_start between '2022-01-01' and '2022-06-01')
            from indicators."values"
            where category_code = 'BURDEN_INSPECTION_DAYS' and geo_level = 'city'
              and department_code = 'ALL'
            """
        ).fetchall()[0]
    assert 5 <= before <= 7
    assert 2 <= after <= 3


def city_value(con: duckdb.DuckDBPyConnection, category: str, period: str,
               grain: str = "month") -> float:
    rows = con.execute(
        """select value from indicators."values" where category_code = ? and period_grain = ?
           and period_start = ? and geo_level = 'city' and department_code = 'ALL'""",
        [category, grain, period],
    ).fetchall()
    assert len(rows) == 1, (category, period, rows)
    return rows[0][0]


def test_seed_figures_are_reproduced_by_computation(published_data_dir: Path) -> None:
    """domain.md §7: the reform's figures, computed from the registers' exported records."""
    with snapshot(published_data_dir) as con:
        def at(category: str, period: str = "2022-06-01", grain: str = "month") -> float:
            return city_value(con, category, period, grain)

        assert at("FORCE_TEAMS", "2020-01-01") == 72 and at("FORCE_TEAMS") == 43
        assert round(at("FORCE_FRONTLINE_RATIO"), 2) == 0.89
        assert at("FORCE_SQUADS_INTEGRATED") == 66
        assert at("FORCE_TOWN_UNITS_INTEGRATED") == 35
        assert at("ITEMS_COMPREHENSIVE") >= 2400
        assert round(at("ITEMS_COMPREHENSIVE_SHARE"), 2) == 0.45
        assert at("ITEMS_COMPREHENSIVE_DEPARTMENTS") == 21
        assert at("ITEMS_COMPREHENSIVE_DOMAINS") == 28
        assert at("DRONE_DEPLOYED") == 23
        assert abs(at("DRONE_COVERAGE_KM2") - 700) <= 35
        assert at("DRONE_WATERLOGGING_POINTS", "2022-06-20", "day") == 84
        assert at("SUP_PLANS_LAUNCHED") >= 170
        # the governance centre itself: 159 categories, 16 cockpits, 3000+ indicators
        assert at("META_CATEGORIES") == 159
        assert at("META_COCKPITS") == 16
        assert at("META_INDICATORS") >= 3000


def test_period_and_level_summaries_are_the_values_summed_up(published_data_dir: Path) -> None:
    """``periods`` and ``category_levels`` (what the cockpit reads instead of scanning every
    value) hold exactly what the values say, recounted here with polars."""
    with snapshot(published_data_dir) as con:
        values = con.sql('select * from indicators."values"').pl()
        periods = con.sql("select * from indicators.periods").pl()
        levels = con.sql("select * from indicators.category_levels").pl()
    expected_periods = values.group_by("period_grain", "period_start").agg(
        pl.col("category_code").n_unique().alias("categories"), pl.len().alias("value_rows")
    )
    expected_levels = values.group_by("category_code", "period_grain", "geo_level").agg(
        (pl.col("department_code") != "ALL").any().alias("has_departments"),
        pl.col("period_start").min().alias("first_period"),
        pl.col("period_start").max().alias("last_period"),
        pl.len().alias("value_rows"),
    )
    for got, expected, key in (
        (periods, expected_periods, ["period_grain", "period_start"]),
        (levels, expected_levels, ["category_code", "period_grain", "geo_level"]),
    ):
        assert got.height == expected.height > 0
        assert got.sort(key).to_dicts() == expected.select(got.columns).sort(key).to_dicts()
