with

source as (

    select * from {{ source('indicators', 'indicator') }}

),

renamed as (

    select
        indicator_id,
        {{ lineage_columns() }},
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
