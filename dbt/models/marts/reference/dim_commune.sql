-- One row per commune in force since 1/7/2025, with the reporting body of its province.
-- Left join: a commune whose province is missing keeps its row and fails the not-null test.
with

communes as (

    select * from {{ ref('stg_reference__communes') }}

),

provinces as (

    select * from {{ ref('stg_reference__provinces') }}
    where is_current

),

joined as (

    select
        communes.commune_code,
        communes.commune_name,
        communes.commune_type,
        communes.province_code,
        provinces.province_agency_id

    from communes
    left join provinces
        on communes.province_code = provinces.province_code

)

select * from joined
