-- Reported rows whose task code is not in the register: the gate blocks publication on
-- these because the national counts would silently miss the task.
with

reports as (

    select * from {{ ref('int_progress_reports_latest') }}

),

registered_tasks as (

    select * from {{ ref('int_tasks_registered') }}

),

unregistered as (

    select
        reports.task_id,
        reports.reporting_month,
        reports.reporting_agency_id,
        reports.file_sha256

    from reports
    left join registered_tasks
        on reports.task_id = registered_tasks.task_id
    where registered_tasks.task_id is null

)

select * from unregistered
