with

source as (

    select * from {{ source('indicators', 'indicator') }}

),

renamed as (

    select
        indicator_id,
        file_sha256,
        file_name,
        sheet_name,
        row_number as source_row_number,
        received_at,
        original_values,
        indicator_name,
        target_text,
        target_year,
        responsible_agency_id,
        source_document,
        note,
        is_quantitative,
        target_parts

    from source

)

select * from renamed
