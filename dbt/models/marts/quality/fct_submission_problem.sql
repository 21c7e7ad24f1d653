with

problems as (

    select * from {{ ref('stg_ingest__problems') }}

),

submissions as (

    select * from {{ ref('int_submissions_current') }}

),

final as (

    select
        problems.file_sha256,
        problems.received_at,
        problems.source_name,
        submissions.reporting_agency_id,
        submissions.reporting_month,
        problems.file_name,
        problems.sheet_name,
        problems.source_row_number,
        problems.column_label,
        problems.raw_value,
        problems.rule_id,
        problems.severity,
        problems.message_vi,
        problems.message_en,
        coalesce(submissions.is_current, true) as is_current_submission

    from problems
    left join submissions
        on problems.file_sha256 = submissions.file_sha256

)

select * from final
