-- One row per reporting commune and pillar per as-of date. A commune reports when the
-- disbursement export in force on the date has at least one row for it; each of its three
-- pillars then has one state: 'disbursed' (a figure above 0), 'zero' (a reported 0: nothing
-- disbursed yet) or 'no_figure' (a blank cell, or no row for the pillar).
with

as_of_dates as (

    select * from {{ ref('int_budget_as_of_dates') }}
    where disbursement_as_of_date is not null

),

commune_rows as (

    select * from {{ ref('int_budget_disbursements_current') }}
    where budget_level = 'commune'

),

pillars as (

    select 'KHCN' as pillar
    union all
    select 'DMST' as pillar
    union all
    select 'CDS' as pillar

),

reporting as (

    select distinct
        as_of_dates.fiscal_year,
        as_of_dates.as_of_date,
        as_of_dates.disbursement_as_of_date,
        commune_rows.commune_code,
        commune_rows.commune_province_agency_id as province_agency_id

    from as_of_dates
    inner join commune_rows
        on
            as_of_dates.fiscal_year = commune_rows.fiscal_year
            and as_of_dates.disbursement_as_of_date = commune_rows.as_of_date

),

final as (

    select
        reporting.fiscal_year,
        reporting.as_of_date,
        reporting.commune_code,
        reporting.province_agency_id,
        pillars.pillar,
        commune_rows.disbursed,
        case
            when commune_rows.disbursed > 0 then 'disbursed'
            when commune_rows.disbursed = 0 then 'zero'
            else 'no_figure'
        end as figure_state

    from reporting
    cross join pillars
    left join commune_rows
        on
            reporting.fiscal_year = commune_rows.fiscal_year
            and reporting.disbursement_as_of_date = commune_rows.as_of_date
            and reporting.commune_code = commune_rows.commune_code
            and pillars.pillar = commune_rows.pillar

)

select * from final
