-- One row per programme (Plan 02, Resolution 11) and status as-of date: how many of its
-- databases are connected (reconciled and synced) and how many meet all 19 criteria.
with

readiness as (

    select * from {{ ref('fct_csdl_readiness') }}

),

counted as (

    select
        program_code,
        as_of_date,
        count(*) as databases_total,
        count(case when is_reported then 1 end) as databases_reported,
        count(case when is_reconciled then 1 end) as databases_reconciled,
        count(case when is_synced then 1 end) as databases_synced,
        count(case when is_connected then 1 end) as databases_connected,
        count(case when meets_all_criteria then 1 end) as databases_meeting_all_criteria,
        count(case when is_connected and meets_all_criteria then 1 end)
            as databases_connected_meeting_all_criteria

    from readiness
    group by program_code, as_of_date

),

rated as (

    select
        program_code,
        as_of_date,
        databases_total,
        databases_reported,
        databases_reconciled,
        databases_synced,
        databases_connected,
        databases_total - databases_connected as databases_not_connected,
        databases_meeting_all_criteria,
        databases_connected_meeting_all_criteria,
        case
            when databases_total > 0 then cast(databases_connected as double) / databases_total
        end as connected_rate,
        case
            when databases_total > 0
                then cast(databases_meeting_all_criteria as double) / databases_total
        end as all_criteria_rate,
        {{ dbt.concat([
            "program_code",
            "':'",
            "cast(as_of_date as " ~ dbt.type_string() ~ ")",
        ]) }} as row_key

    from counted

)

select * from rated
