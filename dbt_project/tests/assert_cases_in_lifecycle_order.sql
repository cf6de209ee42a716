-- Impossible case states: closed before filed, or decided after closing.
select case_no, filed_date, decided_date, closed_date
from {{ ref('fct_cases') }}
where closed_date < filed_date
   or decided_date < filed_date
   or decided_date > closed_date
