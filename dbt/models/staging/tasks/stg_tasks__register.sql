with

source as (

    select * from {{ source('tasks', 'register') }}

),

renamed as (

    select
        task_code as task_id,
        file_sha256,
        file_name,
        sheet_name,
        row_number as source_row_number,
        received_at,
        original_values,
        source_document,
        assigned_date,
        task_group,
        task_name,
        expected_product,
        deadline_text,
        due_date,
        recurrence,
        lead_agencies_text,
        coordinating_agencies_text,
        note

    from source

)

select * from renamed
