-- One row per task and agency named where the task is described (its latest registration,
-- or the plan row that describes a plan task; see int_tasks_registered), with the body that
-- carries the assignment today (old ministries and provinces roll up to their successors).
with

registered_tasks as (

    select * from {{ ref('int_tasks_registered') }}

),

register_agencies as (

    select * from {{ ref('stg_tasks__register_agencies') }}

),

plan_item_agencies as (

    select * from {{ ref('stg_tasks__plan_item_agencies') }}

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

named as (

    select
        register_agencies.task_id,
        register_agencies.agency_id,
        register_agencies.agency_role,
        register_agencies.agency_position,
        register_agencies.agency_text

    from register_agencies
    inner join registered_tasks
        on
            register_agencies.task_id = registered_tasks.task_id
            and register_agencies.file_sha256 = registered_tasks.file_sha256
    where registered_tasks.task_source = 'register'

    union all

    select
        registered_tasks.task_id,
        plan_item_agencies.agency_id,
        plan_item_agencies.agency_role,
        plan_item_agencies.agency_position,
        plan_item_agencies.agency_text

    from plan_item_agencies
    inner join registered_tasks
        on
            plan_item_agencies.item_key = registered_tasks.plan_item_key
            and plan_item_agencies.file_sha256 = registered_tasks.file_sha256
    where registered_tasks.task_source = 'plan'

),

assigned as (

    select
        named.task_id,
        named.agency_id,
        agencies.current_agency_id,
        named.agency_role,
        named.agency_position,
        named.agency_text,
        named.agency_role = 'lead'
        and named.agency_position = 1 as is_primary_lead

    from named
    inner join agencies
        on named.agency_id = agencies.agency_id

)

select * from assigned
