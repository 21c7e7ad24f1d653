-- One row per budget unit and pillar per as-of date, with the four stages as known on the
-- date (tỷ đồng): total, allocated and assigned estimate from the allocation export in force,
-- disbursed from the disbursement export in force. Bodies carry all four stages; communes
-- only disbursement (their budget is part of their province's estimate), so a province's
-- disbursed_with_communes adds its communes' figures to its own.
with

as_of_dates as (

    select * from {{ ref('int_budget_as_of_dates') }}

),

allocations as (

    select * from {{ ref('int_budget_allocations_current') }}

),

disbursements as (

    select * from {{ ref('int_budget_disbursements_current') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

allocation_rows as (

    select
        as_of_dates.fiscal_year,
        as_of_dates.as_of_date,
        allocations.agency_id,
        allocations.pillar,
        allocations.total_budget,
        allocations.allocated_budget,
        allocations.assigned_estimate,
        allocations.file_sha256

    from as_of_dates
    inner join allocations
        on
            as_of_dates.fiscal_year = allocations.fiscal_year
            and as_of_dates.allocation_as_of_date = allocations.as_of_date

),

disbursement_rows as (

    select
        as_of_dates.fiscal_year,
        as_of_dates.as_of_date,
        disbursements.budget_level,
        disbursements.agency_id,
        disbursements.commune_code,
        disbursements.commune_name,
        disbursements.pillar,
        disbursements.disbursed,
        disbursements.has_figure,
        disbursements.note,
        disbursements.file_sha256

    from as_of_dates
    inner join disbursements
        on
            as_of_dates.fiscal_year = disbursements.fiscal_year
            and as_of_dates.disbursement_as_of_date = disbursements.as_of_date

),

body_disbursements as (

    select * from disbursement_rows
    where budget_level <> 'commune'

),

commune_totals as (

    select
        fiscal_year,
        as_of_date,
        agency_id,
        pillar,
        sum(disbursed) as communes_disbursed

    from disbursement_rows
    where budget_level = 'commune'
    group by fiscal_year, as_of_date, agency_id, pillar

),

body_rows as (

    select
        coalesce(allocation_rows.fiscal_year, body_disbursements.fiscal_year) as fiscal_year,
        coalesce(allocation_rows.as_of_date, body_disbursements.as_of_date) as as_of_date,
        coalesce(allocation_rows.agency_id, body_disbursements.agency_id) as agency_id,
        cast(null as {{ dbt.type_string() }}) as commune_code,
        cast(null as {{ dbt.type_string() }}) as commune_name,
        coalesce(allocation_rows.pillar, body_disbursements.pillar) as pillar,
        allocation_rows.total_budget,
        allocation_rows.allocated_budget,
        allocation_rows.assigned_estimate,
        body_disbursements.disbursed,
        coalesce(body_disbursements.has_figure, false) as has_disbursement_figure,
        body_disbursements.note as disbursement_note,
        allocation_rows.file_sha256 as allocation_file_sha256,
        body_disbursements.file_sha256 as disbursement_file_sha256

    from allocation_rows
    full outer join body_disbursements
        on
            allocation_rows.fiscal_year = body_disbursements.fiscal_year
            and allocation_rows.as_of_date = body_disbursements.as_of_date
            and allocation_rows.agency_id = body_disbursements.agency_id
            and allocation_rows.pillar = body_disbursements.pillar

),

bodies as (

    select
        body_rows.fiscal_year,
        body_rows.as_of_date,
        case when agencies.kind = 'province' then 'province' else 'central' end
            as budget_level,
        body_rows.agency_id,
        body_rows.commune_code,
        body_rows.commune_name,
        body_rows.pillar,
        body_rows.total_budget,
        body_rows.allocated_budget,
        body_rows.assigned_estimate,
        body_rows.disbursed,
        case
            when body_rows.disbursed is null and commune_totals.communes_disbursed is null
                then cast(null as decimal(18, 2))
            else cast(
                coalesce(body_rows.disbursed, 0)
                + coalesce(commune_totals.communes_disbursed, 0) as decimal(18, 2)
            )
        end as disbursed_with_communes,
        body_rows.has_disbursement_figure,
        body_rows.disbursement_note,
        body_rows.allocation_file_sha256,
        body_rows.disbursement_file_sha256

    from body_rows
    left join agencies
        on body_rows.agency_id = agencies.agency_id
    left join commune_totals
        on
            body_rows.fiscal_year = commune_totals.fiscal_year
            and body_rows.as_of_date = commune_totals.as_of_date
            and body_rows.agency_id = commune_totals.agency_id
            and body_rows.pillar = commune_totals.pillar

),

communes as (

    select
        fiscal_year,
        as_of_date,
        budget_level,
        agency_id,
        commune_code,
        commune_name,
        pillar,
        cast(null as decimal(18, 2)) as total_budget,
        cast(null as decimal(18, 2)) as allocated_budget,
        cast(null as decimal(18, 2)) as assigned_estimate,
        disbursed,
        disbursed as disbursed_with_communes,
        has_figure as has_disbursement_figure,
        note as disbursement_note,
        cast(null as {{ dbt.type_string() }}) as allocation_file_sha256,
        file_sha256 as disbursement_file_sha256

    from disbursement_rows
    where budget_level = 'commune'

),

unioned as (

    select * from bodies
    union all
    select * from communes

),

flagged as (

    select
        *,
        coalesce(disbursed_with_communes > assigned_estimate, false)
            as disbursed_exceeds_estimate

    from unioned

),

final as (

    select
        fiscal_year,
        as_of_date,
        budget_level,
        agency_id,
        commune_code,
        commune_name,
        pillar,
        total_budget,
        allocated_budget,
        assigned_estimate,
        disbursed,
        disbursed_with_communes,
        has_disbursement_figure,
        disbursed_exceeds_estimate,
        disbursement_note,
        allocation_file_sha256,
        disbursement_file_sha256

    from flagged

)

select * from final
