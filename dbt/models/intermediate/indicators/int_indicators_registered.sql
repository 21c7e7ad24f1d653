-- One row per indicator: as described by the most recently received register file, so a
-- corrected register supersedes the earlier one while both stay in staging.
with

registrations as (

    select * from {{ ref('stg_indicators__register') }}

),

ranked as (

    select
        registrations.*,
        row_number() over (
            partition by registrations.indicator_id
            order by registrations.received_at desc, registrations.file_sha256 desc
        ) as registration_rank

    from registrations

),

latest as (

    select
        indicator_id,
        file_sha256,
        indicator_name,
        target_text,
        target_year,
        responsible_agency_id,
        source_document,
        note,
        is_quantitative,
        target_parts

    from ranked
    where registration_rank = 1

)

select * from latest
