with

source as (

    select * from {{ source('tasks', 'register_agencies') }}

),

renamed as (

    select
        task_code as task_id,
        {{ lineage_columns('key') }},
        role as agency_role,
        position as agency_position,
        agency_text,
        agency_id

    from source

)

select * from renamed
