-- One row per database: the database as described by the most recently received registry
-- file, so a corrected registry supersedes the earlier one while both stay in staging.
with

registrations as (

    select * from {{ ref('stg_csdl__registry') }}

),

ranked as (

    select
        registrations.*,
        row_number() over (
            partition by registrations.database_id
            order by registrations.received_at desc, registrations.file_sha256 desc
        ) as registration_rank

    from registrations

),

latest as (

    select
        database_id,
        database_name,
        program_code,
        program_text,
        owner_agency_id,
        legal_basis,
        note,
        file_sha256,
        -- The code names the programme too (KH02-…, NQ11-…); the two must agree.
        (
            (program_code = 'plan_02' and database_id like 'KH02-%')
            or (program_code = 'resolution_11' and database_id like 'NQ11-%')
        ) as is_program_consistent

    from ranked
    where registration_rank = 1

)

select * from latest
