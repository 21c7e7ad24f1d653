-- One row per task and quarter, for every task assigned by the quarter's as-of date: the
-- task's last reported state on that date, and the status it implies. Nationally a task
-- stands as its primary lead (the first lead body named, today's successor) last reported
-- it; another body's report (a co-lead's, or the Standing Office's for a group-led task)
-- stands only for a task its primary lead has not reported. Each body's own status is in
-- int_task_agency_quarter_status.
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
        reports.reporting_current_agency_id,
        reports.reported_status,
        reports.completion_date,
        reports.evidence,
        row_number() over (
            partition by tasks_in_quarter.period_key, reports.task_id
            order by
                case when reports.reporter_role = 'primary_lead' then 0 else 1 end asc,
                reports.as_of_date desc,
                reports.reporting_month desc,
                reports.received_at desc,
                reports.reporting_agency_id asc
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
        last_report.reporting_current_agency_id as reported_by_agency_id,
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
