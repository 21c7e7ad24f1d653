-- Feedback items as the system exports them. Handled = the contract's status "handled"
-- (Đã xử lý / Đã trả lời); items in progress or not yet taken up count as not handled.
with

source as (

    select * from {{ source('public_services', 'feedback_item') }}

),

renamed as (

    select
        item_code as item_id,
        {{ lineage_columns() }},
        reporting_agency_id,
        as_of_date,
        received_date,
        item_kind,
        topic,
        summary,
        handling_agency as handling_agency_id,
        status as handling_status,
        status_text as handling_status_text,
        handled_date,
        coalesce(status = 'handled', false) as is_handled

    from source

)

select * from renamed
