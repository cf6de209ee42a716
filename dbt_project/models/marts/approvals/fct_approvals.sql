{#- 审批办件事实: one row per licence application in its latest state, with the "1+5" domain
    of its department, how much of its promised time limit it used and the applicant's rating.

    Incremental by landing day (macros/incremental.sql): 0.7M rows at full scale, of which a
    day changes a few thousand. -#}
-- the incremental cutoff reads the ingest log (macros/incremental.sql)
-- depends_on: {{ source('meta', 'ingest_files') }}
{{ config(materialized='incremental', unique_key='application_id',
          incremental_strategy='delete+insert', on_schema_change='fail') }}

with

applications as (
    select * from {{ ref('stg_approvals__applications') }}
    {{ where_landed_since_last_run() }}
),

departments as (
    select department_code, domain_code from {{ ref('dim_department') }}
),

timed as (
    select
        *,
        cast(accepted_at as date) as accepted_date,
        cast(decided_at as date) as decided_date
    from applications
),

final as (
    select
        timed.application_id,
        timed.item_code,
        timed.item_name,
        timed.apply_type,
        timed.applicant_uscc as entity_uscc,
        timed.county_code,
        timed.town_code,
        timed.department_code,
        departments.domain_code as team_domain_code,
        timed.channel,
        timed.channel in ('ONLINE', 'MOBILE') as is_online,
        timed.channel = 'MOBILE' as is_mobile,
        timed.applied_at,
        cast(timed.applied_at as date) as applied_date,
        timed.accepted_at,
        timed.accepted_date,
        timed.promised_date,
        timed.decided_at,
        timed.decided_date,
        timed.result,
        timed.result = 'GRANTED' as is_granted,
        timed.result = 'REFUSED' as is_refused,
        timed.result in ('GRANTED', 'REFUSED') as is_decided_on_merits,
        case when timed.decided_at is not null then timed.decided_date <= timed.promised_date end
            as is_decided_on_time,
        case when timed.decided_at is not null then date_diff('day', cast(timed.applied_at as date), timed.decided_date) end
            as days_to_decision,
        date_diff('day', timed.accepted_date, timed.decided_date) as processing_days,
        date_diff('day', timed.accepted_date, timed.promised_date) as limit_days,
        case
            when timed.result in ('GRANTED', 'REFUSED')
                and date_diff('day', timed.accepted_date, timed.promised_date) > 0
                then date_diff('day', timed.accepted_date, timed.decided_date)
                    / date_diff('day', timed.accepted_date, timed.promised_date)
        end as time_used_share,
        timed.satisfaction,
        timed.satisfaction is not null as is_rated,
        coalesce(timed.satisfaction >= 4, false) as is_satisfied,
        timed.status,
        timed.updated_at,
        timed.landed_date,
        {{ written_at() }} as _written_at
    from timed
    left join departments using (department_code)
)

select * from final
