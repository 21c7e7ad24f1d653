-- One row per task and current body answering for it as a lead: each lead body, each lead
-- group ("Các bộ, ngành, địa phương") and every current member of such a group, marked by
-- via_group_id. Templates list a body's rows so that group-assigned tasks reach every
-- member, and per-body figures count the same rows.
with

lead_bodies as (

    select * from {{ ref('int_task_leads_expanded') }}

)

select
    task_id,
    agency_id,
    via_group_id,
    is_primary_lead

from lead_bodies
