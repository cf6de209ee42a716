{#- 案件全流程: one row per case with the time it reached each procedural stage (立案 → 调查取证
    → 延期 → 法制审核 → 告知 → 听证 → 决定 → 送达 → 执行 → 结案), its statutory deadlines and
    whether they were met. Dates of filing, decision, payment and closing are the case's own
    fields; the stage log supplies the stages in between and their times of day.

    Incremental: a case's row depends on its own case row and stage log only, so a daily run
    re-derives just the cases whose row or log the staging tables rewrote since this table's
    last run (their ``_batch_loaded_at`` is newer than the one recorded here) and replaces
    them; tests/test_incremental.py proves it equals a full rebuild. -#}
{{ config(materialized='incremental', unique_key=['case_no'],
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

cases as not materialized (
    select * from {{ ref('stg_enforcement__cases') }}
),

events as not materialized (
    select * from {{ ref('stg_enforcement__case_events') }}
),

{%- if is_incremental() %}

last_run as (
    select coalesce(max(_batch_loaded_at), timestamp '-infinity') as batch_loaded_at
    from {{ this }}
),

touched_cases as (
    select case_no from cases where _batch_loaded_at > (select batch_loaded_at from last_run)
    union
    select case_no from events where _batch_loaded_at > (select batch_loaded_at from last_run)
),

{%- endif %}

limits as (
    -- 《行政处罚法》第六十条: a decision within 90 days of filing; an extension approved by the
    -- bureau's head allows the case-handling system's extended limit (sources/systems/
    -- enforcement.py: EXTENDED_LIMIT_DAYS = 180). 第六十七条: a fine is due within 15 days of
    -- service of the decision.
    select
        90 as decision_limit_days,
        180 as extended_limit_days,
        15 as payment_limit_days
),

stage_times as (
    select
        case_no,
        min(event_at) filter (where stage = 'FILED') as filed_at,
        min(event_at) filter (where stage = 'INVESTIGATED') as investigated_at,
        min(event_at) filter (where stage = 'EXTENDED') as extended_at,
        min(event_at) filter (where stage = 'LEGAL_REVIEW') as legal_review_at,
        min(event_at) filter (where stage = 'NOTICE') as notified_at,
        min(event_at) filter (where stage = 'HEARING') as hearing_at,
        min(event_at) filter (where stage = 'DECIDED') as decided_at,
        min(event_at) filter (where stage = 'SERVED') as served_at,
        min(event_at) filter (where stage = 'EXECUTED') as executed_at,
        min(event_at) filter (where stage = 'CLOSED') as closed_at,
        arg_max(stage, seq) as latest_stage,
        count(*) as stage_count
    from events
    {%- if is_incremental() %}
    where case_no in (select case_no from touched_cases)
    {%- endif %}
    group by case_no
),

staged as (
    select
        cases.case_no,
        cases.department_code,
        cases.procedure,
        cases.case_status,
        cases.decision_type,
        cases.fine_amount,
        cases.fine_paid,
        stage_times.latest_stage,
        coalesce(stage_times.stage_count, 0) as stage_count,
        stage_times.filed_at,
        stage_times.investigated_at,
        stage_times.extended_at,
        stage_times.legal_review_at,
        stage_times.notified_at,
        stage_times.hearing_at,
        stage_times.decided_at,
        stage_times.served_at,
        stage_times.executed_at,
        stage_times.closed_at,
        cases.filed_date,
        cases.decided_date,
        cast(stage_times.served_at as date) as served_date,
        cases.paid_date,
        cases.closed_date,
        coalesce(cases.extended, false) or stage_times.extended_at is not null as is_extended
    from cases
    left join stage_times using (case_no)
    {%- if is_incremental() %}
    where cases.case_no in (select case_no from touched_cases)
    {%- endif %}
),

deadlines as (
    select
        staged.*,
        case when staged.is_extended then limits.extended_limit_days
            else limits.decision_limit_days end as decision_limit_days,
        staged.filed_date + case when staged.is_extended then limits.extended_limit_days
            else limits.decision_limit_days end as decision_deadline_date,
        -- only a penalty with a fine has something to pay; service starts the 15 days
        case when staged.decision_type = 'PENALTY' and staged.fine_amount > 0
            then coalesce(staged.served_date, staged.decided_date) + limits.payment_limit_days
        end as fine_due_date
    from staged
    cross join limits
),

final as (
    select
        case_no,
        department_code,
        procedure,
        case_status,
        latest_stage,
        stage_count,
        filed_at,
        investigated_at,
        extended_at,
        legal_review_at,
        notified_at,
        hearing_at,
        decided_at,
        served_at,
        executed_at,
        closed_at,
        filed_date,
        decided_date,
        served_date,
        paid_date,
        closed_date,
        is_extended,
        decision_limit_days,
        decision_deadline_date,
        date_diff('day', filed_date, decided_date) as days_to_decision,
        date_diff('day', filed_date, closed_date) as days_to_closing,
        coalesce(date_diff('day', filed_date, decided_date) <= 90, false)
            as is_decided_within_90_days,
        coalesce(decided_date <= decision_deadline_date, false) as is_decided_on_time,
        fine_due_date,
        coalesce(fine_paid and paid_date <= fine_due_date, false) as is_fine_paid_on_time,
        -- the newest staging batch this run has seen: the next run starts after it
        greatest(
            (select max(_batch_loaded_at) from cases),
            (select max(_batch_loaded_at) from events)
        ) as _batch_loaded_at
    from deadlines
)

select * from final
