-- A drone finding confirmed and pushed must name the department it was routed to.
select finding_id
from {{ ref('fct_drone_findings') }}
where is_confirmed and routed_department_code is null
