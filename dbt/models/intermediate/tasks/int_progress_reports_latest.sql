-- One row per task and reporting month. When a body resubmits a month, its corrected file
-- replaces the earlier one as a whole (see int_submissions_current); the earlier one stays
-- queryable in staging. Should two current files still name a task for the same month, the
-- most recently received wins.
with

reports as (

    {{ current_submission_rows(ref('stg_tasks__progress_reports')) }}

),

ranked as (

    select
        reports.*,
        row_number() over (
            partition by reports.task_id, reports.reporting_month
            order by reports.received_at desc, reports.file_sha256 desc
        ) as submission_rank

    from reports

),

latest as (

    select
        task_id,
        reporting_month,
        as_of_date,
        reporting_agency_id,
        reported_status,
        completion_date,
        product,
        evidence,
        difficulties,
        file_sha256

    from ranked
    where submission_rank = 1

)

select * from latest
