-- One row per task row of a current plan document (seed 003's tables, as offices send
-- them), with the key that tells whether the same task is already known: the task's name
-- (macro task_key) and the body that leads it today — the first lead body named,
-- rolled up to its successor. Plans carry no task codes, so the name and the lead are what
-- identify a task across the register, Notice 20's annex and each year's plan (D-031).
with

items as (

    {{ current_submission_rows(ref('stg_tasks__plan_items')) }}

),

item_agencies as (

    select * from {{ ref('stg_tasks__plan_item_agencies') }}

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

primary_leads as (

    select
        item_agencies.file_sha256,
        item_agencies.item_key,
        agencies.current_agency_id

    from item_agencies
    inner join agencies
        on item_agencies.agency_id = agencies.agency_id
    where
        item_agencies.agency_role = 'lead'
        and item_agencies.agency_position = 1

),

keyed as (

    select
        items.plan_item_id,
        items.file_sha256,
        items.file_name,
        items.sheet_name,
        items.source_row_number,
        items.received_at,
        items.item_key,
        items.document_title,
        items.plan_year,
        items.task_group,
        items.item_number,
        items.task_name,
        items.expected_product,
        items.deadline_text,
        items.due_date,
        items.recurrence,
        items.note,
        primary_leads.current_agency_id as lead_current_agency_id,
        {{ task_key('items.task_name', 'primary_leads.current_agency_id') }} as task_key

    from items
    left join primary_leads
        on
            items.file_sha256 = primary_leads.file_sha256
            and items.item_key = primary_leads.item_key

)

select * from keyed
