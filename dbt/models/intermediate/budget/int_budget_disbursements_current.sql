-- The disbursement figures of each export date, one export per fiscal year and as-of date
-- (a later file for the same date replaces the earlier one), with each row's level: a row
-- with a commune code is the commune's; otherwise a province's own row or a central body's.
with

disbursements as (

    select * from {{ ref('stg_budget__disbursements') }}

),

agencies as (

    select * from {{ ref('agencies') }}

),

communes as (

    select * from {{ ref('dim_commune') }}

),

current_files as (

    {{ latest_files(ref('stg_budget__disbursements'), ['fiscal_year', 'as_of_date']) }}

),

final as (

    select
        disbursements.fiscal_year,
        disbursements.as_of_date,
        disbursements.agency_id,
        disbursements.commune_code,
        communes.commune_name,
        disbursements.reported_commune_name,
        communes.province_agency_id as commune_province_agency_id,
        disbursements.pillar,
        disbursements.disbursed,
        disbursements.has_figure,
        disbursements.note,
        disbursements.file_sha256,
        case
            when disbursements.commune_code is not null then 'commune'
            when agencies.kind = 'province' then 'province'
            else 'central'
        end as budget_level,
        coalesce(
            disbursements.commune_code is null
            or communes.province_agency_id = disbursements.agency_id,
            false
        ) as is_in_named_province

    from disbursements
    inner join current_files
        on disbursements.file_sha256 = current_files.file_sha256
    left join agencies
        on disbursements.agency_id = agencies.agency_id
    left join communes
        on disbursements.commune_code = communes.commune_code

)

select * from final
