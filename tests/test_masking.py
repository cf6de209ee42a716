"""Personal data never reaches the published marts: no ID numbers, phones or person names.

Raw tables keep what the systems sent (in the build database only); every mart an auditor
or a cockpit reads must be free of resident ID numbers (18 characters, with a valid-looking
birth date), mobile numbers (11 digits starting with 1) and columns that name natural
persons.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# region (6) · birth date (8) · sequence (3) · check digit, not inside a longer code
ID_NUMBER = (r"(^|[^0-9A-Za-z])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])"
             r"(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]($|[^0-9A-Za-z])")
MOBILE = r"(^|[^0-9])1[3-9][0-9]{9}($|[^0-9])"
PERSONAL_COLUMNS = ("id_no", "phone", "party_name", "staff_name", "inspector_name",
                    "reporter_name", "caller_name", "applicant_id_no", "legal_rep")


def published_text_columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    return con.execute(
        """select table_schema, table_name, column_name from information_schema.columns
           where table_schema in ('marts', 'indicators') and data_type = 'VARCHAR'
           order by all"""
    ).fetchall()


def test_no_mart_column_is_personal_by_name(published_data_dir: Path) -> None:
    db = published_data_dir / "warehouse" / "cockpit.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        columns = published_text_columns(con)
    named = [c for c in columns if any(p in c[2] for p in PERSONAL_COLUMNS)]
    assert columns and named == []


def test_no_mart_value_looks_like_an_id_number_or_a_phone(published_data_dir: Path) -> None:
    db = published_data_dir / "warehouse" / "cockpit.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        hits = []
        for schema, table, column in published_text_columns(con):
            found = con.execute(
                f'select count(*) from "{schema}"."{table}" '
                f'where regexp_matches("{column}", ?) or regexp_matches("{column}", ?)',
                [ID_NUMBER, MOBILE],
            ).fetchall()[0][0]
            if found:
                hits.append((schema, table, column, found))
    assert hits == []


def test_the_patterns_catch_what_the_raw_tables_hold(published_data_dir: Path) -> None:
    """The scan above could pass by matching nothing: it must match every raw ID and phone."""
    db = published_data_dir / "warehouse" / "build.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        ids, id_hits, phones, phone_hits = con.execute(
            """select count(party_id_no), count(*) filter (where regexp_matches(party_id_no, ?)),
                      count(party_phone), count(*) filter (where regexp_matches(party_phone, ?))
               from raw.enforcement_cases""",
            [ID_NUMBER, MOBILE],
        ).fetchall()[0]
    assert ids > 0 and id_hits == ids
    assert phones > 0 and phone_hits == phones
