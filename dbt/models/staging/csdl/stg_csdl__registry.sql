-- Files landed before the programme had its own column hold it as status / status_text.
with

source as (

    select * from {{ source('csdl', 'csdl_registry') }}

),

renamed as (

    select
        database_code as database_id,
        {{ lineage_columns() }},
        as_of_date as registry_date,
        database_name,
        owner_agency as owner_agency_id,
        legal_basis,
        note,
        coalesce(program, status) as program_code,
        coalesce(program_text, status_text) as program_text

    from source

)

select * from renamed
