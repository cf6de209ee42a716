{#- Generic test: every key of the child has its parent, unless the parent's rows were all
    rejected at ingest. A record and the records that point at it come from different exports:
    when the parent's only row so far failed validation (an application granted today whose
    single row was malformed), the child still loads. That orphan is explained by a quarantined
    row holding the key in its raw text, so it does not fail the build; an orphan nothing
    explains does. `quarantined_in` names the parent's quarantine table (schema.table). -#}
{% test relationships_or_quarantined(model, column_name, to, field, quarantined_in) %}
with

orphans as (
    select distinct child.{{ column_name }} as orphan_key
    from {{ model }} as child
    left join {{ to }} as parent on child.{{ column_name }} = parent.{{ field }}
    where child.{{ column_name }} is not null and parent.{{ field }} is null
),

explained as (
    select distinct orphans.orphan_key
    from orphans
    inner join {{ quarantined_in }} as rejected on contains(rejected.raw_text, orphans.orphan_key)
),

final as (
    select orphan_key from orphans
    where orphan_key not in (select orphan_key from explained)
)

select * from final
{% endtest %}
