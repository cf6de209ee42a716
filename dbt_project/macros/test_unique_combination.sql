{#- Generic test: no two rows share the given columns (dbt_utils is unreachable offline).
    On an incremental mart, only the keys of rows written since its last passing test are
    checked, against every row (untested_rows). -#}
{% test unique_combination(model, columns) %}
{%- set untested = untested_rows(model) %}
select {{ columns | join(', ') }}, count(*) as copies
from {{ model }}
{%- if untested %}
semi join (
    select distinct {{ columns | join(', ') }} from {{ model }} where {{ untested }}
) as untested_keys using ({{ columns | join(', ') }})
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
