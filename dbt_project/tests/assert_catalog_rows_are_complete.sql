-- Every catalogue row is complete (issue 5): definition in both languages, source fact and
-- measure, unit, owner, source system, cockpits and grains; a category with a direction has
-- a target and an amber score in (0, 1) (red is below amber); a neutral one (a volume or mix
-- with no better or worse) has none, and its target_source says why; a ratio names its
-- denominator. Returns the incomplete rows with what is wrong.

with

catalog as (
    select * from {{ ref('catalog') }}
),

problems as (
    select category_code, 'a descriptive field is empty' as problem
    from catalog
    where area is null or chain_stage is null or name_zh is null or name_en is null
       or definition_zh is null or definition_en is null or fact_model is null
       or date_column is null or measure is null or numerator_expr is null
       or unit_zh is null or unit_en is null or direction is null or target_source is null
       or owner_department is null or source_system is null or is_critical is null
       or cockpits is null or grains is null
    union all
    select category_code, 'a directed category without target or amber score'
    from catalog
    where direction <> 'neutral'
      and (target is null or amber_score is null or not (amber_score > 0 and amber_score < 1))
    union all
    select category_code, 'a neutral category with a target'
    from catalog
    where direction = 'neutral' and (target is not null or amber_score is not null)
    union all
    select category_code, 'a ratio without a denominator'
    from catalog
    where measure = 'ratio' and denominator_expr is null
),

final as (
    select * from problems
)

select * from final
