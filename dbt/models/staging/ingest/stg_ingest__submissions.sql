with

source as (

    select * from {{ source('ingest', 'submission') }}

),

renamed as (

    select
        {{ lineage_columns('file') }},
        original_path,
        size_bytes,
        submitted_at,
        source as source_name,
        family as source_family,
        reporting_agency_id,
        reporting_month,
        as_of_date,
        rows_read,
        rows_loaded,
        rows_quarantined,
        errors as error_count,
        warnings as warning_count,
        accepted as is_accepted,
        legacy_encoding

    from source

)

select * from renamed
