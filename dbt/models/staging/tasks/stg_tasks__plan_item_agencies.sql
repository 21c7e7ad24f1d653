with

source as (

    select * from {{ source('tasks', 'plan_item_agencies') }}

),

renamed as (

    select
        task_code as item_key,
        {{ lineage_columns('key') }},
        role as agency_role,
        position as agency_position,
        agency_text,
        agency_id

    from source

)

select * from renamed
