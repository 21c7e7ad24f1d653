-- One row per task and agency named in the task's latest registration, with the body that
-- carries the assignment today (old ministries and provinces roll up to their successors).
with

registered_tasks as (

    select * from {{ ref('int_tasks_registered') }}

),

register_agencies as (

    select * from {{ ref('stg_tasks__register_agencies') }}

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

assigned as (

    select
        register_agencies.task_id,
        register_agencies.agency_id,
        agencies.current_agency_id,
        register_agencies.agency_role,
        register_agencies.agency_position,
        register_agencies.agency_text,
        register_agencies.agency_role = 'lead'
        and register_agencies.agency_position = 1 as is_primary_lead

    from register_agencies
    inner join registered_tasks
        on
            register_agencies.task_id = registered_tasks.task_id
            and register_agencies.file_sha256 = registered_tasks.file_sha256
    inner join agencies
        on register_agencies.agency_id = agencies.agency_id

)

select * from assigned
