-- One row per indicator and target part, from the indicator's latest registration. Scopes
-- "toàn cầu" and "thế giới" name the same (global) ranking, so they share a scope key.
with

registered as (

    select * from {{ ref('int_indicators_registered') }}

),

targets as (

    select * from {{ ref('stg_indicators__targets') }}

),

joined as (

    select
        targets.indicator_id,
        targets.target_part,
        targets.comparator,
        targets.target_value,
        targets.target_value_high,
        targets.unit,
        targets.scope,
        targets.qualifier,
        targets.target_year,
        targets.target_text,
        case when targets.scope = 'toàn cầu' then 'thế giới' else targets.scope end
            as scope_key,
        (targets.unit = 'rank' or targets.comparator in ('<=', '<', 'rank_top'))
            as lower_is_better

    from targets
    inner join registered
        on
            targets.indicator_id = registered.indicator_id
            and targets.file_sha256 = registered.file_sha256

)

select * from joined
