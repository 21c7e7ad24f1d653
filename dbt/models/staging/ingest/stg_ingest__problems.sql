with

source as (

    select * from {{ source('ingest', 'quarantine') }}

),

renamed as (

    select
        file_sha256,
        received_at,
        source as source_name,
        file_name,
        sheet_name,
        row_number as source_row_number,
        column_label,
        raw_value,
        rule as rule_id,
        severity,
        message_vi,
        message_en

    from source

)

select * from renamed
