-- One row per task of the one task universe (the register and every current plan; see
-- int_tasks_registered): what was assigned, by which document, to whom, by when.
with

registered_tasks as (

    select * from {{ ref('int_tasks_registered') }}

),

assigned as (

    select * from {{ ref('int_task_agencies_assigned') }}

),

primary_lead as (

    select
        task_id,
        agency_id as lead_agency_id,
        current_agency_id as lead_current_agency_id

    from assigned
    where is_primary_lead

),

tasks as (

    select
        registered_tasks.task_id,
        registered_tasks.source_document,
        registered_tasks.assigned_date,
        registered_tasks.task_group,
        registered_tasks.task_name,
        registered_tasks.expected_product,
        registered_tasks.deadline_text,
        registered_tasks.due_date,
        registered_tasks.recurrence,
        registered_tasks.has_deadline,
        primary_lead.lead_agency_id,
        primary_lead.lead_current_agency_id,
        registered_tasks.note,
        registered_tasks.file_sha256 as source_file_sha256,
        registered_tasks.task_source,
        registered_tasks.plan_year

    from registered_tasks
    left join primary_lead
        on registered_tasks.task_id = primary_lead.task_id

)

select * from tasks
