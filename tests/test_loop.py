"""The closed loop as auditors query it: the scripted stories are traceable end to end.

domain.md and the seed article tell two stories; both must be followable through the
published marts by their record numbers, the way an auditor would: the cooking-fume warning
in 衢江区 樟潭街道 → a joint inspection of the lane's restaurants → a clue → a case; and the
bamboo-theft case found on patrol by 开化县's national-park team.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sources.simulator.clues import STORY_CASE_NO, STORY_CLUE_ID, STORY_TOWN
from sources.simulator.warnings_story import STORY_FUME_WARNING_ID, STORY_TOWN_CODE


def snapshot(data_dir: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(data_dir / "warehouse" / "cockpit.duckdb"), read_only=True)


def test_cooking_fume_warning_leads_to_a_joint_inspection_a_clue_and_a_case(
    published_data_dir: Path,
) -> None:
    with snapshot(published_data_dir) as con:
        warning = con.execute(
            "select town_code, department_code, disposal from marts.fct_warnings "
            "where warning_id = ?", [STORY_FUME_WARNING_ID]).fetchall()
        tasks = con.execute(
            "select task_id, is_joint, town_code, result_code from marts.fct_inspection_tasks "
            "where trigger_ref = ? order by task_id", [STORY_FUME_WARNING_ID]).fetchall()
        loop = con.execute(
            "select stage, clue_id, case_no from marts.fct_entity_loop where loop_id = ?",
            [f"WARNING:{STORY_FUME_WARNING_ID}"]).fetchall()
        clue_tasks = [task_id for task_id, *_, result in tasks if result == "CLUE"]
        case = con.execute(
            "select c.case_no, c.clue_source from marts.fct_clues as l "
            "join marts.fct_cases as c using (case_no) where l.source_ref = ?",
            clue_tasks).fetchall() if clue_tasks else []
    assert warning == [(STORY_TOWN_CODE, "ZHZF", "INSPECTION")]
    assert len(tasks) >= 3
    assert all(joint and town == STORY_TOWN_CODE for _, joint, town, _ in tasks)
    assert len(clue_tasks) == 1
    assert case and case[0][1] == "INSPECTION"
    assert loop and loop[0][2] == case[0][0] and loop[0][0].startswith("CASE")


def test_bamboo_theft_case_of_the_national_park_team(published_data_dir: Path) -> None:
    with snapshot(published_data_dir) as con:
        case = con.execute(
            "select clue_id, clue_source, county_code, town_code, decided_date - filed_date "
            "from marts.fct_cases where case_no = ?", [STORY_CASE_NO]).fetchall()
        clue = con.execute(
            "select clue_source, case_no, is_filed from marts.fct_clues where clue_id = ?",
            [STORY_CLUE_ID]).fetchall()
    assert case == [(STORY_CLUE_ID, "PATROL", "330824", STORY_TOWN, case[0][4])]
    assert 0 <= case[0][4] <= 7  # 快速处置: decided within days
    assert clue == [("PATROL", STORY_CASE_NO, True)]


def test_every_approval_loop_starts_from_a_claim_and_stages_are_ordered(
    published_data_dir: Path,
) -> None:
    with snapshot(published_data_dir) as con:
        orphans = con.execute(
            "select count(*) from marts.fct_entity_loop where origin_type = 'APPROVAL' "
            "and origin_ref not in (select application_id from marts.fct_supervision_claims)"
        ).fetchall()[0][0]
        stages = dict(con.execute(
            "select stage, count(*) from marts.fct_entity_loop group by stage").fetchall())
        # inspected on time and no case running: nothing can be overdue
        overdue_closed = con.execute(
            "select count(*) from marts.fct_entity_loop where origin_type = 'APPROVAL' "
            "and is_overdue and first_inspected_date <= due_date and case_no is null"
        ).fetchall()[0][0]
    assert orphans == 0
    assert {"ACCEPTED", "INSPECTED", "CASE_CLOSED"} <= set(stages)
    assert overdue_closed == 0


def test_an_entitys_record_moves_its_credit_class_and_the_class_its_supervision(
    published_data_dir: Path,
) -> None:
    """Outcomes move credit, credit moves supervision (issue 3): a business a penalty was
    decided against in a month is downgraded by that month's rating far more often than one
    that was not; and D-class entities get more untriggered on-site visits than A-class."""
    with snapshot(published_data_dir) as con:
        downgraded = dict(con.execute(
            """
            with penalised as (
                select distinct entity_uscc,
                    cast(date_trunc('month', decided_date) as date) as rating_month
                from marts.fct_cases
                where decision_type = 'PENALTY' and entity_uscc is not null
            )
            select penalised.entity_uscc is not null, avg(months.is_downgraded::int)
            from marts.fct_credit_months as months
            left join penalised using (entity_uscc, rating_month)
            where months.previous_class is not null
            group by 1
            """).fetchall())
        visited = dict(con.execute(
            "select credit_class, avg(is_inspected_without_trigger::int) "
            "from marts.fct_credit_months where credit_class in ('A', 'D') group by 1"
        ).fetchall())
    assert downgraded[True] > 0.4, downgraded
    assert downgraded[True] > 5 * downgraded[False], downgraded
    assert visited["D"] > 3 * visited["A"], visited


def test_loop_counts_per_entity_recount_the_loop(published_data_dir: Path) -> None:
    """fct_entity_loop_counts (where the profile finds its default entity) holds, for every
    registered entity the loop names, the loop's own rows counted again here in Python."""
    with snapshot(published_data_dir) as con:
        loops = con.execute(
            "select entity_uscc, origin_date, is_open, is_overdue from marts.fct_entity_loop "
            "where entity_uscc in (select entity_uscc from marts.dim_entity)"
        ).fetchall()
        stored = {
            row[0]: row[1:]
            for row in con.execute("select * from marts.fct_entity_loop_counts").fetchall()
        }
    expected: dict[str, list] = {}
    for uscc, origin, is_open, is_overdue in loops:
        counts = expected.setdefault(uscc, [0, 0, 0, origin, origin])
        counts[0] += 1
        counts[1] += bool(is_open)
        counts[2] += bool(is_overdue)
        counts[3], counts[4] = min(counts[3], origin), max(counts[4], origin)
    assert expected, "the loop names no registered entity"
    assert stored == {uscc: tuple(counts) for uscc, counts in expected.items()}
