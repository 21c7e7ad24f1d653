-- Budget stages and disbursement rates (tỷ đồng) per as-of date and pillar ('ALL' = the
-- three together), for the nation, each level and each body. Rates are of the assigned
-- estimate. Communes have no estimate of their own: their disbursement counts in their
-- province's (agency and 'province' level rows) and in the nation's, and the 'commune' level
-- row gives their disbursement and the counts of communes by figure state.
-- Each roll-up is one grouping set, per pillar and for all pillars; grouping() tells which
-- set a row comes from. sqlfluff's duckdb dialect (4.4) cannot parse `grouping sets`, which
-- DuckDB and Spark SQL both run: those lines carry `noqa: PRS`.
{%- set roll_ups = [
    ['pillar'], [],
    ['estimate_level', 'pillar'], ['estimate_level'],
    ['budget_level', 'pillar'], ['budget_level'],
    ['estimate_level', 'agency_id', 'pillar'], ['estimate_level', 'agency_id'],
] %}
{%- set per_commune = ['fiscal_year', 'as_of_date', 'commune_code', 'province_agency_id'] %}
{%- set by_province = [['province_agency_id'], []] %}

with

budget as (

    select * from {{ ref('fct_budget') }}

),

commune_pillars as (

    select * from {{ ref('int_budget_commune_pillars') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

budget_units as (

    -- estimate_level: the level whose estimate covers the unit (a commune's province)
    select
        fiscal_year,
        as_of_date,
        budget_level,
        agency_id,
        pillar,
        total_budget,
        allocated_budget,
        assigned_estimate,
        disbursed,
        case when budget_level = 'commune' then 'province' else budget_level end
            as estimate_level

    from budget

),

grouped as (

    -- the nation; each level, communes counting in the province level; the communes
    -- alone; each body, a province with its communes
    select
        fiscal_year,
        as_of_date,
        agency_id,
        case
            when grouping(agency_id) = 0 then 'agency'
            when grouping(estimate_level) = 0 or grouping(budget_level) = 0 then 'level'
            else 'national'
        end as scope,
        case
            when grouping(budget_level) = 0 then budget_level
            when grouping(estimate_level) = 0 then estimate_level
        end as budget_level,
        case when grouping(pillar) = 0 then pillar else 'ALL' end as pillar,
        sum(total_budget) as total_budget,
        sum(allocated_budget) as allocated_budget,
        sum(assigned_estimate) as assigned_estimate,
        sum(disbursed) as disbursed,
        grouping(budget_level) = 0 as is_by_budget_level

    from budget_units
    group by {{ grouping_sets(['fiscal_year', 'as_of_date'], roll_ups) }}  -- noqa: PRS

),

rolled_up as (

    -- by budget_level only the communes: central and province rows come by estimate_level
    -- (a filter here, not a HAVING: Spark resolves a HAVING name to the output column)
    select
        fiscal_year,
        as_of_date,
        agency_id,
        scope,
        budget_level,
        pillar,
        total_budget,
        allocated_budget,
        assigned_estimate,
        disbursed

    from grouped
    where not is_by_budget_level or budget_level = 'commune'

),

amounts as (

    -- communes_scope: the communes a row counts, all of them (the nation and the commune
    -- level) or a province's (its agency row)
    select
        rolled_up.*,
        {{ dbt.concat([
            "rolled_up.scope", "'|'", "coalesce(rolled_up.budget_level, '')", "'|'",
            "coalesce(rolled_up.agency_id, '')", "'|'", "rolled_up.pillar"
        ]) }} as row_key,
        case
            when rolled_up.scope = 'national' or rolled_up.budget_level = 'commune' then 'all'
            when rolled_up.scope = 'agency' and rolled_up.budget_level = 'province'
                then 'province'
        end as communes_scope

    from rolled_up

),

commune_facts as (

    -- per reporting commune, each pillar and the three together ('ALL'): zero, no figure
    -- or not disbursed when every pillar in the group is (for 'ALL', not disbursed = no
    -- figure above 0 on any of the three)
    select
        fiscal_year,
        as_of_date,
        commune_code,
        province_agency_id,
        case when grouping(pillar) = 0 then pillar else 'ALL' end as pillar,
        min(case when figure_state = 'zero' then 1 else 0 end) as is_zero,
        min(case when figure_state = 'no_figure' then 1 else 0 end) as is_no_figure,
        min(case when figure_state <> 'disbursed' then 1 else 0 end) as is_not_disbursed

    from commune_pillars
    group by {{ grouping_sets(per_commune, [['pillar'], []]) }}  -- noqa: PRS

),

commune_counts as (

    select
        fiscal_year,
        as_of_date,
        pillar,
        province_agency_id,
        case when grouping(province_agency_id) = 0 then 'province' else 'all' end
            as communes_scope,
        count(*) as communes_reporting,
        sum(is_zero) as communes_zero_disbursed,
        sum(is_no_figure) as communes_no_figure,
        sum(is_not_disbursed) as communes_not_disbursed

    from commune_facts
    group by {{ grouping_sets(['fiscal_year', 'as_of_date', 'pillar'], by_province) }}  -- noqa: PRS

),

commune_universe as (

    select
        province_agency_id,
        case when grouping(province_agency_id) = 0 then 'province' else 'all' end
            as communes_scope,
        count(*) as communes_total

    from communes
    group by {{ grouping_sets([], by_province) }}  -- noqa: PRS

),

joined as (

    select
        amounts.fiscal_year,
        amounts.as_of_date,
        amounts.row_key,
        amounts.scope,
        amounts.budget_level,
        amounts.agency_id,
        amounts.pillar,
        amounts.total_budget,
        amounts.allocated_budget,
        amounts.assigned_estimate,
        amounts.disbursed,
        commune_counts.communes_reporting,
        commune_counts.communes_zero_disbursed,
        commune_counts.communes_no_figure,
        commune_counts.communes_not_disbursed,
        commune_universe.communes_total,
        cast(amounts.allocated_budget as double)
        / nullif(cast(amounts.total_budget as double), 0) as allocated_share_of_total,
        cast(amounts.assigned_estimate as double)
        / nullif(cast(amounts.total_budget as double), 0) as estimate_share_of_total,
        cast(amounts.disbursed as double)
        / nullif(cast(amounts.assigned_estimate as double), 0) as disbursement_rate

    from amounts
    left join commune_counts
        on
            amounts.fiscal_year = commune_counts.fiscal_year
            and amounts.as_of_date = commune_counts.as_of_date
            and amounts.pillar = commune_counts.pillar
            and amounts.communes_scope = commune_counts.communes_scope
            and (
                amounts.communes_scope = 'all'
                or amounts.agency_id = commune_counts.province_agency_id
            )
    left join commune_universe
        on
            amounts.communes_scope = commune_universe.communes_scope
            and (
                amounts.communes_scope = 'all'
                or amounts.agency_id = commune_universe.province_agency_id
            )

),

final as (

    select
        fiscal_year,
        as_of_date,
        row_key,
        scope,
        budget_level,
        agency_id,
        pillar,
        cast(total_budget as decimal(18, 2)) as total_budget,
        cast(allocated_budget as decimal(18, 2)) as allocated_budget,
        cast(assigned_estimate as decimal(18, 2)) as assigned_estimate,
        cast(disbursed as decimal(18, 2)) as disbursed,
        allocated_share_of_total,
        estimate_share_of_total,
        disbursement_rate,
        cast(communes_total as bigint) as communes_total,
        cast(communes_reporting as bigint) as communes_reporting,
        cast(communes_zero_disbursed as bigint) as communes_zero_disbursed,
        cast(communes_no_figure as bigint) as communes_no_figure,
        cast(communes_not_disbursed as bigint) as communes_not_disbursed

    from joined

)

select * from final
