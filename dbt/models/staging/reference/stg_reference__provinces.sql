-- One row per province of the 34-set (since 1/7/2025) and of the 63-set (until 30/6/2025),
-- from the generated provinces seed.
with

source as (

    select * from {{ ref('provinces') }}

),

renamed as (

    select
        province_id,
        province_code,
        name_vi as province_name,
        short_name_vi as province_short_name,
        province_kind,
        agency_id as province_agency_id,
        valid_from,
        valid_to,
        successor_province_id,
        valid_to is null as is_current

    from source

)

select * from renamed
