-- The case lifecycle reaches its stages in procedural order (立案 → 调查 → 延期 → 法制审核 →
-- 告知 → 听证 → 决定 → 送达 → 执行 → 结案), and its stage dates agree with the case's own.
with

lifecycle as (
    select * from {{ ref('int_enforcement__case_lifecycle') }}
),

stages as (
    unpivot lifecycle
    on filed_at, investigated_at, extended_at, legal_review_at, notified_at, hearing_at,
        decided_at, served_at, executed_at, closed_at
    into name stage value reached_at
),

ranked as (
    select
        case_no,
        stage,
        reached_at,
        lag(reached_at) over (
            partition by case_no
            order by list_position(
                ['filed_at', 'investigated_at', 'extended_at', 'legal_review_at', 'notified_at',
                 'hearing_at', 'decided_at', 'served_at', 'executed_at', 'closed_at'], stage)
        ) as previous_at
    from stages
),

out_of_order as (
    select case_no, stage from ranked where reached_at < previous_at
),

disagreeing as (
    select case_no, 'dates' as stage
    from lifecycle
    where cast(filed_at as date) <> filed_date
        or cast(decided_at as date) <> decided_date
        or cast(closed_at as date) <> closed_date
        or decision_deadline_date < filed_date + 90
)

select * from out_of_order
union all
select * from disagreeing
