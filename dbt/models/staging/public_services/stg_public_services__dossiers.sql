-- Dossiers as the portal's dossier-level exports list them, one row per dossier and file.
-- A view over the landed Parquet files: tens of millions of rows are read where they lie,
-- and only the monthly counts (int_public_service_dossier_counts) are ever materialised.
with

source as (

    select * from {{ source('public_services', 'dossier') }}

),

renamed as (

    select
        {{ lineage_columns(original_values=false) }},
        dossier_id,
        agency as agency_id,
        procedure_code,
        received_date,
        cast({{ dbt.date_trunc('month', 'received_date') }} as date) as reporting_month,
        channel,
        coalesce(digitisation_due, false) as is_digitisation_due,
        coalesce(digitised, false) as is_digitised,
        coalesce(reuse_eligible, false) as is_reuse_eligible,
        coalesce(data_reused, false) as is_data_reused,
        coalesce(resolved, false) as is_resolved,
        coalesce(result_electronic, false) as is_result_electronic,
        coalesce(fee_bearing, false) as is_fee_bearing,
        coalesce(paid_online, false) as is_paid_online

    from source

)

select * from renamed
