-- One row per registered task, reporting month and reporting body, as that body reported
-- it (co-leads each keep their own row), with the status that report implies on the
-- report's own as-of date.
with

reports as (

    select * from {{ ref('int_progress_reports_latest') }}

),

registered_tasks as (

    select * from {{ ref('int_tasks_registered') }}

),

statuses as (

    select
        reports.task_id,
        reports.reporting_month,
        reports.as_of_date,
        reports.reporting_agency_id,
        reports.reporting_current_agency_id,
        reports.reporter_role,
        reports.reported_status,
        reports.completion_date,
        reports.product,
        reports.evidence,
        reports.difficulties,
        coalesce(trim(reports.evidence) <> '', false) as has_evidence,
        {{ task_status(
            'registered_tasks.has_deadline',
            'reports.reported_status',
            'reports.completion_date',
            'registered_tasks.due_date',
            'reports.as_of_date'
        ) }} as derived_status,
        reports.file_sha256 as source_file_sha256

    from reports
    inner join registered_tasks
        on reports.task_id = registered_tasks.task_id

)

select * from statuses
