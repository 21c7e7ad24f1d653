-- One row per task per quarter: the task's national status on the quarter's as-of date (as
-- its primary lead last reported it), attributed to the body that leads it today. This is
-- what the scorecard's national figures count; each body's own status on a task is in
-- fct_task_agency_quarter_status.
with

quarter_status as (

    select * from {{ ref('int_task_quarter_status') }}

),

tasks as (

    select * from {{ ref('fct_task') }}

)

select
    quarter_status.period_key,
    quarter_status.period_start,
    quarter_status.period_end,
    quarter_status.as_of_date,
    quarter_status.task_id,
    tasks.lead_current_agency_id,
    quarter_status.due_date,
    quarter_status.has_deadline,
    quarter_status.reported_status,
    quarter_status.status,
    quarter_status.completion_date,
    quarter_status.has_evidence,
    quarter_status.reported_in_period,
    quarter_status.last_reported_month,
    quarter_status.reported_by_agency_id

from quarter_status
inner join tasks
    on quarter_status.task_id = tasks.task_id
