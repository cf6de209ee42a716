-- fct_entity_loop: the first-inspection flag follows its deadline, and a loop has a closing
-- day exactly when it is closed, never before it started.
with

loops as (
    select * from {{ ref('fct_entity_loop') }}
)

select loop_id
from loops
where (due_date is null and is_first_inspected_on_time is not null)
    or (is_first_inspected_on_time and not coalesce(first_inspected_date <= due_date, false))
    or (not is_first_inspected_on_time and first_inspected_date <= due_date)
    or (is_open and closed_date is not null)
    or (not is_open and closed_date is null)
    or days_to_close < 0
