-- Monthly progress reports are due before the 25th of the month after the one they report:
-- their figures run to the 29th (28th in February) of the reporting month, so "before the
-- 25th of each month" can only mean the next month. Submission times are UTC; the deadline
-- is in Vietnam time (UTC+7). Other sources (system exports, registers) have no deadline.
{% set next_month = dbt.dateadd('month', 1, 'submissions.reporting_month') %}

with

submissions as (

    select * from {{ ref('int_submissions_current') }}

),

with_deadline as (

    select
        submissions.*,
        case
            when submissions.source_name = 'progress_report'
                then cast({{ dbt.dateadd('day', 24, next_month) }} as date)
        end as due_date

    from submissions

),

final as (

    select
        file_sha256,
        file_name,
        original_path,
        size_bytes,
        received_at,
        submitted_at,
        source_name,
        source_family,
        reporting_agency_id,
        reporting_month,
        as_of_date,
        due_date,
        case
            when due_date is not null and submitted_at is not null
                then
                    {{ dbt.dateadd('hour', 7, 'submitted_at') }}
                    < cast(due_date as {{ dbt.type_timestamp() }})
        end as is_on_time,
        rows_read,
        rows_loaded,
        rows_quarantined,
        error_count,
        warning_count,
        is_accepted,
        legacy_encoding,
        superseded_by_sha256,
        is_current

    from with_deadline

)

select * from final
