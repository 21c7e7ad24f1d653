with

source as (

    select * from {{ source('tasks', 'register') }}

),

renamed as (

    select
        task_code as task_id,
        {{ lineage_columns() }},
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
