{#- 闭环事实: one row per loop instance (an approval pushed to its supervisor, a warning, a
    12345 ticket or a drone finding that reached inspection or the clue centre), with the
    time of every stage it reached and where it stands: claimed, first inspected, problem
    found, rectified, clue, case filed, decided, closed, reviewed; whether the first
    inspection met its deadline, and when and how many days after its start the loop
    closed. -#}
with

origins as not materialized (
    select * from {{ ref('int_loop__origins') }}
),

tasks as not materialized (
    select * from {{ ref('fct_inspection_tasks') }}
),

clues as not materialized (
    select * from {{ ref('fct_clues') }}
),

cases as (
    select * from {{ ref('fct_cases') }}
),

case_lifecycles as (
    select case_no, cast(executed_at as date) as executed_date
    from {{ ref('int_enforcement__case_lifecycle') }}
),

reviews as (
    select case_no, min(filed_date) as reviewed_date
    from {{ ref('fct_oversight_reviews') }}
    group by case_no
),

days as (
    select max(date_day) as data_as_of from {{ ref('dim_date') }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

inspected as (
    select
        trigger_ref as origin_ref,
        arg_min(task_id, inspected_date) as first_task_id,
        arg_min(entity_uscc, inspected_date) as inspected_entity_uscc,
        min(inspected_date) as first_inspected_date,
        min(inspected_date) filter (where has_findings) as problem_found_date,
        bool_or(is_rectification_ordered) as is_rectification_ordered,
        max(rectified_date) as rectified_date
    from tasks
    where trigger_ref is not null
    group by trigger_ref
),

origin_tasks as (
    select trigger_ref as origin_ref, task_id from tasks where trigger_ref is not null
),

linked_clues as (
    -- a clue straight from the origin (a warning, ticket or finding), or from one of the
    -- inspections it triggered
    select origins.origin_ref, clues.*
    from origins
    inner join clues on clues.source_ref = origins.origin_ref
    union all
    select origin_tasks.origin_ref, clues.*
    from origin_tasks
    inner join clues on clues.source_ref = origin_tasks.task_id
),

first_clue as (
    select *
    from linked_clues
    qualify row_number() over (partition by origin_ref order by received_at, clue_id) = 1
),

staged as (
    select
        origins.origin_type || ':' || origins.origin_ref as loop_id,
        origins.origin_type,
        origins.origin_ref,
        coalesce(origins.entity_uscc, inspected.inspected_entity_uscc, first_clue.entity_uscc)
            as entity_uscc,
        origins.county_code,
        origins.town_code,
        origins.department_code,
        departments.domain_code as team_domain_code,
        origins.origin_at,
        cast(origins.origin_at as date) as origin_date,
        origins.accepted_at,
        origins.due_date,
        inspected.first_task_id,
        inspected.first_inspected_date,
        inspected.problem_found_date,
        coalesce(inspected.is_rectification_ordered, false) as is_rectification_ordered,
        inspected.rectified_date,
        first_clue.clue_id,
        first_clue.received_date as clue_received_date,
        first_clue.assessment as clue_assessment,
        first_clue.assessed_date as clue_assessed_date,
        cases.case_no,
        cases.filed_date as case_filed_date,
        cases.decided_date as case_decided_date,
        case_lifecycles.executed_date as case_executed_date,
        cases.closed_date as case_closed_date,
        reviews.reviewed_date,
        days.data_as_of
    from origins
    cross join days
    left join inspected using (origin_ref)
    left join first_clue using (origin_ref)
    left join cases on cases.case_no = first_clue.case_no
    left join case_lifecycles on case_lifecycles.case_no = cases.case_no
    left join reviews on reviews.case_no = cases.case_no
    left join departments on departments.department_code = origins.department_code
),

closing as (
    select
        *,
        -- the loop's end (see is_open below): the earliest day one of its closing conditions
        -- held — inspected and compliant, rectified without a clue, a clue not filed or
        -- transferred, or the case closed
        least(
            case when first_inspected_date is not null and problem_found_date is null
                then first_inspected_date end,
            case when rectified_date is not null and clue_id is null then rectified_date end,
            case when clue_assessment in ('NOT_FILED', 'TRANSFERRED') then clue_assessed_date end,
            -- a clue merged into an earlier case cannot close the loop before it was merged
            greatest(case_closed_date, case when case_closed_date is not null then clue_assessed_date end)
        ) as end_date
    from staged
),

final as (
    select
        loop_id,
        origin_type,
        origin_ref,
        entity_uscc,
        county_code,
        town_code,
        department_code,
        team_domain_code,
        origin_at,
        origin_date,
        accepted_at,
        due_date,
        first_task_id,
        first_inspected_date,
        -- first inspection by its deadline; false once the deadline has passed without one;
        -- empty without a deadline or while it is still running
        case
            when due_date is null then null
            when first_inspected_date is not null then first_inspected_date <= due_date
            when due_date < data_as_of then false
        end as is_first_inspected_on_time,
        problem_found_date,
        rectified_date,
        clue_id,
        clue_received_date,
        clue_assessment,
        case_no,
        case_filed_date,
        case_decided_date,
        case_executed_date,
        case_closed_date,
        reviewed_date,
        case
            when reviewed_date is not null then 'REVIEWED'
            when case_closed_date is not null then 'CASE_CLOSED'
            when case_decided_date is not null then 'CASE_DECIDED'
            when case_filed_date is not null then 'CASE_FILED'
            when clue_received_date is not null then 'CLUE'
            when rectified_date is not null then 'RECTIFIED'
            when problem_found_date is not null then 'PROBLEM_FOUND'
            when first_inspected_date is not null then 'INSPECTED'
            when accepted_at is not null then 'ACCEPTED'
            else 'RAISED'
        end as stage,
        -- closed: inspected and compliant, rectified, a clue not filed (or transferred), or a
        -- case closed
        not (
            (first_inspected_date is not null and problem_found_date is null)
            or (rectified_date is not null and clue_id is null)
            or coalesce(clue_assessment in ('NOT_FILED', 'TRANSFERRED'), false)
            or case_closed_date is not null
        ) as is_open,
        coalesce(
            (due_date is not null and due_date < data_as_of
                and (first_inspected_date is null or first_inspected_date > due_date))
            or (case_filed_date is not null
                and coalesce(case_decided_date, data_as_of) > case_filed_date + interval 90 day),
            false
        ) as is_overdue,
        end_date as closed_date,
        date_diff('day', origin_date, end_date) as days_to_close
    from closing
)

select * from final
