with

source as (

    select * from {{ source('ingest', 'quarantine') }}

),

renamed as (

    select
        {{ lineage_columns(original_values=false) }},
        source as source_name,
        column_label,
        raw_value,
        rule as rule_id,
        severity,
        message_vi,
        message_en

    from source

)

select * from renamed
