{#- Generic test: every non-null value of each listed column exists in its dimension.
    One query per model for all its foreign keys (instead of one relationships test, one
    node and one scan per column), each key given as {column, to, field} with ``to`` a model
    name. Returns the column and each missing value with how many rows carry it. -#}
{% test foreign_keys(model, keys) %}
{% for key in keys %}
select '{{ key.column }}' as column_name, cast(child.{{ key.column }} as varchar) as missing_value,
       count(*) as rows_with_it
from {{ model }} as child
where child.{{ key.column }} is not null
  and child.{{ key.column }} not in (
      select {{ key.field }} from {{ ref(key.to) }} where {{ key.field }} is not null
  )
group by all
{% if not loop.last %}union all{% endif %}
{% endfor %}
{% endtest %}
