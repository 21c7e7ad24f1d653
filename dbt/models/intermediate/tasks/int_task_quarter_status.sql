-- One row per task and quarter, for every task assigned by the quarter's as-of date: the
-- task's last reported state on that date, and the status it implies.
with

registered_tasks as (

    select * from {{ ref('int_tasks_registered') }}

),

quarters as (

    select * from {{ ref('int_reporting_quarters') }}

),

reports as (

    select * from {{ ref('int_progress_reports_latest') }}

),

tasks_in_quarter as (

    select
        quarters.period_key,
        quarters.period_start,
        quarters.period_end,
        quarters.as_of_date,
        registered_tasks.task_id,
        registered_tasks.due_date,
        registered_tasks.has_deadline

    from quarters
    inner join registered_tasks
        on quarters.as_of_date >= registered_tasks.assigned_date

),

reports_by_recency as (

    select
        tasks_in_quarter.period_key,
        reports.task_id,
        reports.reporting_month,
        reports.reported_status,
        reports.completion_date,
        reports.evidence,
        row_number() over (
            partition by tasks_in_quarter.period_key, reports.task_id
            order by reports.as_of_date desc, reports.reporting_month desc
        ) as recency_rank

    from tasks_in_quarter
    inner join reports
        on
            tasks_in_quarter.task_id = reports.task_id
            and tasks_in_quarter.as_of_date >= reports.as_of_date

),

last_report as (

    select * from reports_by_recency
    where recency_rank = 1

),

with_status as (

    select
        tasks_in_quarter.period_key,
        tasks_in_quarter.period_start,
        tasks_in_quarter.period_end,
        tasks_in_quarter.as_of_date,
        tasks_in_quarter.task_id,
        tasks_in_quarter.due_date,
        tasks_in_quarter.has_deadline,
        last_report.reported_status,
        last_report.completion_date,
        last_report.reporting_month as last_reported_month,
        coalesce(last_report.reporting_month >= tasks_in_quarter.period_start, false)
            as reported_in_period,
        coalesce(trim(last_report.evidence) <> '', false) as has_evidence,
        {{ task_status(
            'tasks_in_quarter.has_deadline',
            'last_report.reported_status',
            'last_report.completion_date',
            'tasks_in_quarter.due_date',
            'tasks_in_quarter.as_of_date'
        ) }} as status

    from tasks_in_quarter
    left join last_report
        on
            tasks_in_quarter.period_key = last_report.period_key
            and tasks_in_quarter.task_id = last_report.task_id

)

select * from with_status
