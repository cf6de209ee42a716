-- A loop's stages cannot precede its start, a case cannot precede its clue, and a decision
-- is executed only once taken.
select loop_id
from {{ ref('fct_entity_loop') }}
where first_inspected_date < origin_date
   or (case_filed_date < clue_received_date and clue_assessment = 'FILED')
   or case_decided_date < case_filed_date
   or case_executed_date < case_decided_date
