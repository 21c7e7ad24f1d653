with

source as (

    select * from {{ source('indicators', 'indicator_target') }}

),

renamed as (

    select
        indicator_id,
        {{ lineage_columns('key') }},
        target_part,
        comparator,
        target_value,
        target_value_high,
        unit,
        scope,
        qualifier,
        target_year,
        target_text

    from source

)

select * from renamed
