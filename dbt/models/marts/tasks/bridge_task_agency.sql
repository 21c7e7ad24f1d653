-- One row per task and agency named on it: lead (chủ trì) or coordinating (phối hợp).
with

assigned as (

    select * from {{ ref('int_task_agencies_assigned') }}

)

select
    task_id,
    agency_id,
    current_agency_id,
    agency_role,
    agency_position,
    agency_text,
    is_primary_lead

from assigned
