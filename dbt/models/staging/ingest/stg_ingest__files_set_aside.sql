with

source as (

    select * from {{ source('ingest', 'set_aside') }}

),

renamed as (

    select
        {{ lineage_columns('key') }},
        period_key as decided_for_period_key,
        set_aside_by,
        reason as set_aside_reason,
        set_aside_at

    from source

)

select * from renamed
