-- One row per task: the task as described by the most recently received register file,
-- so a corrected register supersedes the earlier one while both stay in staging.
with

registrations as (

    select * from {{ ref('stg_tasks__register') }}

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

latest as (

    select
        task_id,
        file_sha256,
        source_document,
        assigned_date,
        task_group,
        task_name,
        expected_product,
        deadline_text,
        due_date,
        recurrence,
        note,
        due_date is not null as has_deadline

    from ranked
    where registration_rank = 1

)

select * from latest
