-- Criteria met arrive as the contract accepted them, "17" or "17/19" (0 to 19); the count is
-- the part before the slash.
with

source as (

    select * from {{ source('csdl', 'csdl_status') }}

),

renamed as (

    select
        database_code as database_id,
        {{ lineage_columns() }},
        reporting_agency_id,
        reporting_month,
        as_of_date,
        database_name as reported_database_name,
        criteria_met as criteria_met_text,
        cast({{ dbt.split_part('criteria_met', "'/'", 1) }} as integer) as criteria_met,
        is_reconciled,
        is_synced,
        note

    from source

)

select * from renamed
