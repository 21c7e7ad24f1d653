-- The ministry's cover-line totals arrive as written ("103.430,00"): dots group thousands and
-- the comma is the decimal mark, so they are read by dropping the dots and turning the comma
-- into a point.
-- Files landed before the pillar had its own column hold it as status / status_text.
with

source as (

    select * from {{ source('budget', 'budget_allocation') }}

),

renamed as (

    select
        {{ lineage_columns() }},
        reporting_agency_id,
        fiscal_year,
        as_of_date,
        agency as agency_id,
        cast(round(total_budget, 2) as decimal(18, 2)) as total_budget,
        cast(round(allocated_budget, 2) as decimal(18, 2)) as allocated_budget,
        cast(round(assigned_estimate, 2) as decimal(18, 2)) as assigned_estimate,
        cast(
            replace(replace(national_total_text, '.', ''), ',', '.') as decimal(18, 2)
        ) as national_total_budget,
        cast(
            replace(replace(national_allocated_text, '.', ''), ',', '.') as decimal(18, 2)
        ) as national_allocated_budget,
        cast(
            replace(replace(national_estimate_text, '.', ''), ',', '.') as decimal(18, 2)
        ) as national_assigned_estimate,
        note,
        coalesce(pillar, status) as pillar,
        coalesce(pillar_text, status_text) as pillar_text

    from source

)

select * from renamed
