-- Commune codes are padded to the official five digits (Excel drops the leading zeros of a
-- code typed as a number). The fiscal year defaults to the year of the as-of date. A blank
-- figure stays null: the unit reported nothing for the pillar, which is not a reported 0.
-- Files landed before the pillar had its own column hold it as status / status_text.
with

source as (

    select * from {{ source('budget', 'budget_disbursement') }}

),

renamed as (

    select
        {{ lineage_columns() }},
        reporting_agency_id,
        as_of_date,
        agency as agency_id,
        commune_name as reported_commune_name,
        note,
        cast(
            coalesce(fiscal_year, extract(year from as_of_date)) as integer
        ) as fiscal_year,
        cast(round(disbursed, 2) as decimal(18, 2)) as disbursed,
        case
            when commune_code is not null then lpad(commune_code, 5, '0')
        end as commune_code,
        disbursed is not null as has_figure,
        coalesce(disbursed < 0, false) as is_negative,
        coalesce(pillar, status) as pillar,
        coalesce(pillar_text, status_text) as pillar_text

    from source

)

select * from renamed
