-- One row per quarter, task and body answering for it: each lead body, each lead group and
-- every member of such a group, with the status on the body's own last report (or, where it
-- has none, the task's national status). Agency pages list these rows and
-- agg_task_completion counts them, so a page's counts are the rows it lists.
with

agency_status as (

    select * from {{ ref('int_task_agency_quarter_status') }}

)

select
    period_key,
    period_start,
    period_end,
    as_of_date,
    task_id,
    agency_id,
    via_group_id,
    is_primary_lead,
    due_date,
    has_deadline,
    status_basis,
    reported_status,
    status,
    completion_date,
    has_evidence,
    reported_in_period,
    last_reported_month,
    {{ dbt.concat(["period_key", "':'", "task_id", "':'", "agency_id"]) }} as row_key

from agency_status
