-- Budget stages and disbursement rates (tỷ đồng) per as-of date and pillar ('ALL' = the
-- three together), for the nation, each level and each body. Rates are of the assigned
-- estimate. Communes have no estimate of their own: their disbursement counts in their
-- province's (agency and 'province' level rows) and in the nation's, and the 'commune' level
-- row gives their disbursement and the counts of communes by figure state.
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

scoped as (

    -- nation: every unit, communes included
    select
        fiscal_year,
        as_of_date,
        'national' as scope,
        cast(null as {{ dbt.type_string() }}) as budget_level,
        cast(null as {{ dbt.type_string() }}) as agency_id,
        pillar,
        total_budget,
        allocated_budget,
        assigned_estimate,
        disbursed
    from budget
    union all
    -- each level as itself
    select
        fiscal_year,
        as_of_date,
        'level' as scope,
        budget_level,
        cast(null as {{ dbt.type_string() }}) as agency_id,
        pillar,
        total_budget,
        allocated_budget,
        assigned_estimate,
        disbursed
    from budget
    union all
    -- communes also count in the province level, whose estimate covers them
    select
        fiscal_year,
        as_of_date,
        'level' as scope,
        'province' as budget_level,
        cast(null as {{ dbt.type_string() }}) as agency_id,
        pillar,
        cast(null as decimal(18, 2)) as total_budget,
        cast(null as decimal(18, 2)) as allocated_budget,
        cast(null as decimal(18, 2)) as assigned_estimate,
        disbursed
    from budget
    where budget_level = 'commune'
    union all
    -- each body, a province with its communes
    select
        fiscal_year,
        as_of_date,
        'agency' as scope,
        case when budget_level = 'commune' then 'province' else budget_level end
            as budget_level,
        agency_id,
        pillar,
        total_budget,
        allocated_budget,
        assigned_estimate,
        disbursed
    from budget

),

by_pillar as (

    select
        fiscal_year,
        as_of_date,
        scope,
        budget_level,
        agency_id,
        pillar,
        sum(total_budget) as total_budget,
        sum(allocated_budget) as allocated_budget,
        sum(assigned_estimate) as assigned_estimate,
        sum(disbursed) as disbursed
    from scoped
    group by fiscal_year, as_of_date, scope, budget_level, agency_id, pillar
    union all
    select
        fiscal_year,
        as_of_date,
        scope,
        budget_level,
        agency_id,
        'ALL' as pillar,
        sum(total_budget) as total_budget,
        sum(allocated_budget) as allocated_budget,
        sum(assigned_estimate) as assigned_estimate,
        sum(disbursed) as disbursed
    from scoped
    group by fiscal_year, as_of_date, scope, budget_level, agency_id

),

amounts as (

    select
        by_pillar.*,
        {{ dbt.concat([
            "scope", "'|'", "coalesce(budget_level, '')", "'|'",
            "coalesce(agency_id, '')", "'|'", "pillar"
        ]) }} as row_key
    from by_pillar

),

commune_states as (

    -- one row per reporting commune and as-of date with its three pillar states
    select
        fiscal_year,
        as_of_date,
        commune_code,
        province_agency_id,
        sum(case when figure_state = 'disbursed' then 1 else 0 end) as pillars_disbursed,
        sum(case when figure_state = 'zero' then 1 else 0 end) as pillars_zero,
        sum(case when figure_state = 'no_figure' then 1 else 0 end) as pillars_no_figure
    from commune_pillars
    group by fiscal_year, as_of_date, commune_code, province_agency_id

),

commune_facts as (

    -- per pillar: reported 0, no figure; for 'ALL': the same on all three pillars, and
    -- "not disbursed on any pillar" = no figure above 0 on any of the three
    select
        fiscal_year,
        as_of_date,
        commune_code,
        province_agency_id,
        pillar,
        case when figure_state = 'zero' then 1 else 0 end as is_zero,
        case when figure_state = 'no_figure' then 1 else 0 end as is_no_figure,
        case when figure_state <> 'disbursed' then 1 else 0 end as is_not_disbursed
    from commune_pillars
    union all
    select
        fiscal_year,
        as_of_date,
        commune_code,
        province_agency_id,
        'ALL' as pillar,
        case when pillars_zero = 3 then 1 else 0 end as is_zero,
        case when pillars_no_figure = 3 then 1 else 0 end as is_no_figure,
        case when pillars_disbursed = 0 then 1 else 0 end as is_not_disbursed
    from commune_states

),

commune_scoped as (

    select
        fiscal_year,
        as_of_date,
        {{ dbt.concat(["'national|||'", "pillar"]) }} as row_key,
        is_zero,
        is_no_figure,
        is_not_disbursed
    from commune_facts
    union all
    select
        fiscal_year,
        as_of_date,
        {{ dbt.concat(["'level|commune||'", "pillar"]) }} as row_key,
        is_zero,
        is_no_figure,
        is_not_disbursed
    from commune_facts
    union all
    select
        fiscal_year,
        as_of_date,
        {{ dbt.concat(["'agency|province|'", "province_agency_id", "'|'", "pillar"]) }}
            as row_key,
        is_zero,
        is_no_figure,
        is_not_disbursed
    from commune_facts

),

commune_counts as (

    select
        fiscal_year,
        as_of_date,
        row_key,
        count(*) as communes_reporting,
        sum(is_zero) as communes_zero_disbursed,
        sum(is_no_figure) as communes_no_figure,
        sum(is_not_disbursed) as communes_not_disbursed
    from commune_scoped
    group by fiscal_year, as_of_date, row_key

),

commune_universe as (

    select
        'national' as scope,
        cast(null as {{ dbt.type_string() }}) as agency_id,
        count(*) as communes_total
    from communes
    union all
    select
        'agency' as scope,
        province_agency_id as agency_id,
        count(*) as communes_total
    from communes
    group by province_agency_id

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
        cast(amounts.allocated_budget as double)
        / nullif(cast(amounts.total_budget as double), 0) as allocated_share_of_total,
        cast(amounts.assigned_estimate as double)
        / nullif(cast(amounts.total_budget as double), 0) as estimate_share_of_total,
        cast(amounts.disbursed as double)
        / nullif(cast(amounts.assigned_estimate as double), 0) as disbursement_rate,
        case
            when amounts.scope = 'national' or amounts.budget_level = 'commune'
                then national_universe.communes_total
            when amounts.scope = 'agency' and amounts.budget_level = 'province'
                then province_universe.communes_total
        end as communes_total

    from amounts
    left join commune_counts
        on
            amounts.fiscal_year = commune_counts.fiscal_year
            and amounts.as_of_date = commune_counts.as_of_date
            and amounts.row_key = commune_counts.row_key
    left join commune_universe as national_universe
        on national_universe.scope = 'national'
    left join commune_universe as province_universe
        on
            province_universe.scope = 'agency'
            and amounts.agency_id = province_universe.agency_id

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
