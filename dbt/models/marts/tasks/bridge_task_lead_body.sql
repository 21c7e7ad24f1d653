-- One row per task and current body answering for it as a lead: each lead body, each lead
-- group ("Các bộ, ngành, địa phương") and every current member of such a group, marked by
-- via_group_id. Templates list a body's rows so that group-assigned tasks reach every
-- member, and per-body figures count the same rows.
with

leads as (

    select * from {{ ref('int_task_leads_expanded') }}

),

assigned as (

    select * from {{ ref('int_task_agencies_assigned') }}

),

primary_leads as (

    select distinct
        task_id,
        current_agency_id

    from assigned
    where is_primary_lead

)

select
    leads.task_id,
    leads.agency_id,
    leads.via_group_id,
    primary_leads.task_id is not null as is_primary_lead

from leads
left join primary_leads
    on
        leads.task_id = primary_leads.task_id
        and leads.agency_id = primary_leads.current_agency_id
