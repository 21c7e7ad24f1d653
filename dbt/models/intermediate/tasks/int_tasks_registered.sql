-- One row per task of the one task universe: the register (Notice 20's annex and the task
-- list, with task codes) and every current plan document (each year's plan, without codes).
-- A registered task is described by its most recently received register file, so a
-- corrected register supersedes the earlier one while both stay in staging. A plan row is
-- a task of its own unless its key (name and today's lead body, D-031) is already a
-- registered task's or an earlier row's: the same task in several documents, or a plan sent
-- again, is one task, described by the most recently received file that has it (the first
-- row of that file, should a file repeat it). A plan task's id is "KH-" and the last ten
-- hex digits of its key's MD5, so it stays the same whichever file (or year's plan) brought
-- it, and bodies can report on it in their monthly template. It counts from 1 January of the plan
-- year (the plan names no other date).
with

registrations as (

    select * from {{ ref('stg_tasks__register') }}

),

register_agencies as (

    select * from {{ ref('stg_tasks__register_agencies') }}

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

plan_items as (

    select * from {{ ref('int_task_plan_items_keyed') }}

),

ranked as (

    select
        registrations.*,
        row_number() over (
            partition by registrations.task_id
            order by registrations.received_at desc, registrations.file_sha256 desc
        ) as registration_rank

    from registrations

),

registered as (

    select * from ranked
    where registration_rank = 1

),

registered_keys as (

    select distinct
        {{ task_key('registered.task_name', 'agencies.current_agency_id') }} as task_key

    from registered
    left join register_agencies
        on
            registered.task_id = register_agencies.task_id
            and registered.file_sha256 = register_agencies.file_sha256
            and register_agencies.agency_role = 'lead'
            and register_agencies.agency_position = 1
    left join agencies
        on register_agencies.agency_id = agencies.agency_id

),

planned as (

    select
        plan_items.*,
        row_number() over (
            partition by plan_items.task_key
            order by
                plan_items.received_at desc,
                plan_items.file_sha256 desc,
                plan_items.sheet_name asc,
                plan_items.source_row_number asc
        ) as plan_rank

    from plan_items
    where plan_items.task_key not in (select registered_keys.task_key from registered_keys)

),

from_register as (

    select
        task_id,
        file_sha256,
        'register' as task_source,
        cast(null as {{ dbt.type_string() }}) as plan_item_key,
        cast(null as {{ dbt.type_int() }}) as plan_year,
        source_document,
        assigned_date,
        task_group,
        task_name,
        expected_product,
        deadline_text,
        due_date,
        recurrence,
        note

    from registered

),

from_plans as (

    select
        {{ dbt.concat(["'KH-'", dbt.right(dbt.hash('task_key'), 10)]) }} as task_id,
        file_sha256,
        'plan' as task_source,
        item_key as plan_item_key,
        cast(plan_year as {{ dbt.type_int() }}) as plan_year,
        coalesce(document_title, file_name) as source_document,
        cast(
            {{ dbt.concat(["cast(plan_year as " ~ dbt.type_string() ~ ")", "'-01-01'"]) }}
            as date
        ) as assigned_date,
        task_group,
        task_name,
        expected_product,
        deadline_text,
        due_date,
        recurrence,
        note

    from planned
    where plan_rank = 1

),

tasks as (

    select * from from_register
    union all
    select * from from_plans

),

final as (

    select
        *,
        due_date is not null as has_deadline

    from tasks

)

select * from final
