-- Dossier counts as the portal exports them, one row per body and month. Counts stay as
-- received; rates are computed from summed counts later, never averaged.
with

source as (

    select * from {{ source('public_services', 'public_service') }}

),

renamed as (

    select
        {{ lineage_columns() }},
        reporting_agency_id,
        reporting_month,
        as_of_date,
        agency as agency_id,
        dossiers_received,
        dossiers_online,
        digitisation_base,
        dossiers_digitised,
        reuse_base,
        dossiers_reused,
        dossiers_resolved,
        results_electronic,
        payment_base,
        dossiers_paid_online,
        note

    from source

)

select * from renamed
