-- One row per registered database and status as-of date. A database counts as connected
-- when it is reconciled with the national population database and synced to the National
-- Data Center (the report's "on platform, reconciled and synced": 8/12 and 65/104 on
-- 29/6/2026); meeting all 19 criteria is the separate readiness bar. A database with no
-- status by a date is neither reconciled, synced nor meeting the criteria on it.
with

registered as (

    select * from {{ ref('int_csdl_registered') }}

),

statuses as (

    select * from {{ ref('int_csdl_status_latest') }}

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

as_of_dates as (

    select distinct as_of_date from statuses

),

readiness as (

    select
        registered.database_id,
        registered.database_name,
        registered.program_code,
        registered.owner_agency_id,
        agencies.current_agency_id as owner_current_agency_id,
        as_of_dates.as_of_date,
        statuses.criteria_met,
        cast(19 as integer) as criteria_total,
        coalesce(statuses.criteria_met >= 19, false)
            as meets_all_criteria,
        coalesce(statuses.is_reconciled, false) as is_reconciled,
        coalesce(statuses.is_synced, false) as is_synced,
        coalesce(statuses.is_reconciled and statuses.is_synced, false) as is_connected,
        statuses.database_id is not null as is_reported,
        statuses.reported_as_of_date as last_reported_date,
        statuses.file_sha256 as source_file_sha256,
        {{ dbt.concat([
            "registered.database_id",
            "':'",
            "cast(as_of_dates.as_of_date as " ~ dbt.type_string() ~ ")",
        ]) }} as row_key

    from registered
    cross join as_of_dates
    left join statuses
        on
            registered.database_id = statuses.database_id
            and as_of_dates.as_of_date = statuses.as_of_date
    left join agencies
        on registered.owner_agency_id = agencies.agency_id

)

select * from readiness
