{#- The indicator catalogue: one row per category, kept in one seed per area so each area's
    rows can be reviewed on their own; the generated indicator SQL reads this union. -#}
{%- set areas = ['approval', 'operation', 'supervision', 'enforcement', 'oversight', 'force', 'item_lists', 'drones', 'credit', 'complaints', 'burden', 'closed_loop', 'meta'] %}

with

{% for area in areas %}
catalog_{{ area }} as (
    select * from {{ ref('catalog_' ~ area) }}
),
{% endfor %}

final as (
    {% for area in areas %}
    select * from catalog_{{ area }}
    {% if not loop.last %}union all by name{% endif %}
    {% endfor %}
)

select * from final
