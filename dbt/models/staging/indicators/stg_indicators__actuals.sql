with

source as (

    select * from {{ source('indicators', 'indicator_actual') }}

),

renamed as (

    select
        indicator_id,
        {{ lineage_columns() }},
        reporting_agency_id,
        reporting_month,
        as_of_date,
        period_text,
        period_grain,
        period_start,
        period_end,
        period_label,
        actual_text,
        has_data,
        actual_value,
        actual_unit,
        actual_scope,
        actual_numerator,
        actual_denominator,
        is_approximate,
        data_source,
        note

    from source

)

select * from renamed
