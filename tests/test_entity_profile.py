"""The entity profile (一企一档) against a published snapshot.

Expected numbers come from the test's own SQL over the marts, written here independently of
``cockpit.queries.entity``: which entity opens by default, how many records it has in each
system, how many markers its timeline carries. Search text is typed into the real widget, and
hostile text must come back as "no match" with the snapshot untouched.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from cockpit.i18n import STRINGS  # noqa: E402
from cockpit.i18n_pages import PAGE_STRINGS  # noqa: E402
from cockpit.views import COCKPITS, PAGES, render_page_alone  # noqa: E402
from cockpit.views.entity_profile import CODE, KEY_PICK, KEY_SEARCH, PARAM  # noqa: E402
from cockpit.widgets import widget_key  # noqa: E402
from tests.apptest_text import all_text  # noqa: E402

TIMEOUT_SECONDS = 120
SNAPSHOT = Path("warehouse") / "cockpit.duckdb"
HOSTILE = (
    "'; drop table marts.dim_entity; --",
    "' or '1'='1",
    "%",
    "_",
    "%' union select entity_uscc, entity_name, county_code --",
    "$uscc",
)
# The records of one entity per system, as the profile defines them (tickets through what
# they triggered, case stages through the entity's cases, credit one row per rated month).
_DIRECT = "select count(*) from marts.{} where entity_uscc = $u"
_COMPLAINT_REFS = """
    select origin_ref as ref from marts.fct_entity_loop
    where origin_type = 'COMPLAINT' and entity_uscc = $u
    union all select trigger_ref from marts.fct_inspection_tasks
    where task_source = 'COMPLAINT' and entity_uscc = $u
    union all select source_ref from marts.fct_clues
    where clue_source = 'COMPLAINT' and entity_uscc = $u
"""
COUNT_SQL = {
    "approvals": _DIRECT.format("fct_approvals"),
    "claims": _DIRECT.format("fct_supervision_claims"),
    "warnings": _DIRECT.format("fct_warnings"),
    "complaints": f"""select count(distinct k.ticket_no) from marts.fct_complaint_tickets k
                      join ({_COMPLAINT_REFS}) r on r.ref = k.ticket_no""",
    "inspections": _DIRECT.format("fct_inspection_tasks"),
    "clues": _DIRECT.format("fct_clues"),
    "cases": _DIRECT.format("fct_cases"),
    "case_events": """select count(*) from marts.fct_case_events e
                      join marts.fct_cases c on c.case_no = e.case_no where c.entity_uscc = $u""",
    "credit": _DIRECT.format("fct_credit_months"),
    "loop": _DIRECT.format("fct_entity_loop"),
}
# Timeline markers: dated events only; credit only where the class moved; cases as stages.
TIMELINE_SQL = {
    "approvals": "select count(applied_date) from marts.fct_approvals where entity_uscc = $u",
    "claims": "select count(pushed_date) from marts.fct_supervision_claims where entity_uscc = $u",
    "warnings": "select count(raised_date) from marts.fct_warnings where entity_uscc = $u",
    "complaints": COUNT_SQL["complaints"] + " where k.received_date is not null",
    "inspections": (
        "select count(inspected_date) from marts.fct_inspection_tasks where entity_uscc = $u"
    ),
    "clues": "select count(received_date) from marts.fct_clues where entity_uscc = $u",
    "case_events": COUNT_SQL["case_events"] + " and e.event_date is not null",
    "credit": """select count(*) from marts.fct_credit_months
                 where entity_uscc = $u and (is_downgraded or is_upgraded)""",
}
BUSIEST_SQL = """
select entity_uscc from marts.fct_entity_loop
where entity_uscc in (select entity_uscc from marts.dim_entity)
group by 1 order by count(*) desc, 1 limit 1
"""
MOST_COMPLAINED_SQL = f"""
select e.entity_uscc, e.entity_name from marts.dim_entity e
where e.entity_uscc <> $busiest
order by ({COUNT_SQL["complaints"].replace("$u", "e.entity_uscc")}) desc,
         (select count(*) from marts.fct_approvals a where a.entity_uscc = e.entity_uscc) desc,
         e.entity_uscc
limit 1
"""


@contextmanager
def _snapshot(data_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(data_dir / SNAPSHOT), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, **params: object) -> object:
    return con.execute(sql, params).fetchone()[0]


def expected_counts(data_dir: Path, uscc: str, lang: str = "zh") -> list[tuple[str, str]]:
    """(system name, formatted count) in the profile's order, from the test's own SQL."""
    with _snapshot(data_dir) as con:
        return [
            (STRINGS[f"profile.sys.{key}"][lang], f"{_scalar(con, sql, u=uscc):,}")
            for key, sql in COUNT_SQL.items()
        ]


def busiest(data_dir: Path) -> str:
    with _snapshot(data_dir) as con:
        return str(_scalar(con, BUSIEST_SQL))


def other_entity(data_dir: Path) -> tuple[str, str]:
    """Another entity than the default, with as many linked 12345 tickets as any."""
    with _snapshot(data_dir) as con:
        code, name = con.execute(MOST_COMPLAINED_SQL, {"busiest": busiest(data_dir)}).fetchone()
    return str(code), str(name)




def profile_app(data_dir: Path, monkeypatch: pytest.MonkeyPatch, **params: str) -> AppTest:
    monkeypatch.setenv("COCKPIT_DATA_DIR", str(data_dir))
    at = AppTest.from_function(
        render_page_alone, args=(CODE, str(REPO_ROOT)), default_timeout=TIMEOUT_SECONDS
    )
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def shown_counts(at: AppTest) -> list[tuple[str, str]]:
    return [(metric.label, metric.value) for metric in at.metric]


def timeline_markers(at: AppTest) -> int:
    specs = [
        json.loads(chart.proto.spec)
        for chart in at.get("plotly_chart")
        if "chart_profile_timeline_" in chart.proto.id
    ]
    assert len(specs) == 1, "timeline chart missing"
    return sum(len(trace["x"]) for trace in specs[0]["data"])


def expected_markers(data_dir: Path, uscc: str) -> int:
    with _snapshot(data_dir) as con:
        return sum(int(_scalar(con, sql, u=uscc)) for sql in TIMELINE_SQL.values())


def test_profile_is_listed_but_is_not_a_cockpit() -> None:
    profile = next(spec for spec in PAGES if spec.url_path == CODE)
    assert not profile.is_cockpit and profile not in COCKPITS and len(COCKPITS) == 16
    assert not [key for key in PAGE_STRINGS if key.startswith("page.") and CODE in key]
    from pipelines.cockpits import cockpit_codes

    assert CODE not in cockpit_codes() and len(cockpit_codes()) == 16


def test_default_profile_shows_the_busiest_entity_with_mart_counts(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = profile_app(published_data_dir, monkeypatch)
    assert not at.exception, at.exception
    uscc = busiest(published_data_dir)
    text = all_text(at)
    assert STRINGS["profile.title"]["zh"] in text and uscc in text
    with _snapshot(published_data_dir) as con:
        name = _scalar(
            con, "select entity_name from marts.dim_entity where entity_uscc = $u", u=uscc
        )
    assert str(name) in text
    assert shown_counts(at) == expected_counts(published_data_dir, uscc)
    assert timeline_markers(at) == expected_markers(published_data_dir, uscc)
    assert [tab.label.split(" · ")[0] for tab in at.tabs] == [
        label for label, _ in expected_counts(published_data_dir, uscc)
    ]
    assert at.get("download_button"), "no CSV export"


def test_searching_a_code_changes_the_profile(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = profile_app(published_data_dir, monkeypatch)
    before = shown_counts(at)
    code, name = other_entity(published_data_dir)
    at.text_input(key=widget_key(KEY_SEARCH, "zh")).input(code).run()
    assert not at.exception, at.exception
    assert at.selectbox(key=widget_key(KEY_PICK, "zh")).value == code
    shown = shown_counts(at)
    assert shown == expected_counts(published_data_dir, code)
    assert shown != before
    complaints = dict(shown)[STRINGS["profile.sys.complaints"]["zh"]]
    assert complaints != "0", "the chosen entity should have linked 12345 tickets"
    assert name in all_text(at)
    assert at.query_params[PARAM] in (code, [code])  # the URL now links to this profile
    assert timeline_markers(at) == expected_markers(published_data_dir, code)
    at.session_state["lang"] = "en"  # the choice survives a language switch
    at.run()
    assert not at.exception, at.exception
    assert STRINGS["profile.title"]["en"] in all_text(at)
    assert shown_counts(at) == expected_counts(published_data_dir, code, "en")


def test_searching_part_of_a_name_offers_a_limited_list(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cockpit.queries.entity import SEARCH_LIMIT

    with _snapshot(published_data_dir) as con:
        hits = _scalar(con, "select count(*) from marts.dim_entity where entity_name like '%县%'")
    assert int(hits) > SEARCH_LIMIT  # so the cap is what is being tested
    at = profile_app(published_data_dir, monkeypatch)
    at.text_input(key=widget_key(KEY_SEARCH, "zh")).input("县").run()
    assert not at.exception, at.exception
    assert len(at.selectbox(key=widget_key(KEY_PICK, "zh")).options) == SEARCH_LIMIT


def test_deep_link_opens_the_linked_entity(
    published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, name = other_entity(published_data_dir)
    at = profile_app(published_data_dir, monkeypatch, **{PARAM: code.lower()})
    assert not at.exception, at.exception
    assert name in all_text(at)
    assert shown_counts(at) == expected_counts(published_data_dir, code)
    unknown = profile_app(published_data_dir, monkeypatch, **{PARAM: "NOT-A-CODE"})
    assert not unknown.exception
    assert any("NOT-A-CODE" in box.value for box in unknown.warning)
    assert shown_counts(unknown) == expected_counts(published_data_dir, busiest(published_data_dir))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_text_is_bound(
    text: str, published_data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typed text is a value, never SQL: injections, LIKE wildcards and parameter names all
    find nothing, raise nothing, and leave the profile on the entity it was showing."""
    from cockpit.queries.entity import search

    monkeypatch.setenv("COCKPIT_DATA_DIR", str(published_data_dir))
    assert search(text).empty
    at = profile_app(published_data_dir, monkeypatch)
    before = shown_counts(at)
    at.text_input(key=widget_key(KEY_SEARCH, "zh")).input(text).run()
    assert not at.exception, at.exception
    assert STRINGS["profile.no_match"]["zh"] in all_text(at)
    assert shown_counts(at) == before
    with _snapshot(published_data_dir) as con:
        assert _scalar(con, "select count(*) from marts.dim_entity") > 0


def test_personal_columns_never_reach_the_profile(
    published_data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Columns naming a person that slip into a mart are still never shown or exported."""
    live = tmp_path / SNAPSHOT
    live.parent.mkdir(parents=True)
    shutil.copy(published_data_dir / SNAPSHOT, live)
    con = duckdb.connect(str(live))
    try:
        for table in ("fct_cases", "fct_inspection_tasks", "fct_approvals"):
            con.execute(f"alter table marts.{table} add column party_name varchar default '张三'")
            con.execute(f"alter table marts.{table} add column phone varchar default '13800000000'")
    finally:
        con.close()
    at = profile_app(tmp_path, monkeypatch)
    assert not at.exception, at.exception
    assert at.dataframe, "no record tables"
    for frame in (table.value for table in at.dataframe):
        assert not {"party_name", "phone"} & set(map(str, frame.columns))
        values = frame.astype(str).to_numpy()
        assert "张三" not in values and "13800000000" not in values


def test_the_snapshot_indexes_the_keys_single_records_are_looked_up_by(
    published_data_dir: Path,
) -> None:
    """Publish indexes every lookup key it declares, on the table it names."""
    from pipelines.publish import LOOKUP_INDEXES

    con = duckdb.connect(str(published_data_dir / "warehouse" / "cockpit.duckdb"), read_only=True)
    try:
        indexed = {
            (schema, table, sql.split("(")[-1].strip(' ");').strip('"'))
            for schema, table, sql in con.execute(
                "select schema_name, table_name, sql from duckdb_indexes()"
            ).fetchall()
        }
    finally:
        con.close()
    assert set(LOOKUP_INDEXES) <= indexed
