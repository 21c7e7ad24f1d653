with

source as (

    select * from {{ source('tasks', 'plan_item') }}

),

renamed as (

    select
        {{ lineage_columns() }},
        document_title,
        plan_year,
        task_group,
        item_key,
        seq as item_number,
        task_name,
        lead_agencies_text,
        coordinating_agencies_text,
        expected_product,
        deadline_text,
        due_date,
        recurrence,
        note,
        {{ dbt.concat(["file_sha256", "':'", "item_key"]) }} as plan_item_id

    from source

)

select * from renamed
