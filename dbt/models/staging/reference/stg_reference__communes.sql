-- One row per commune in force since 1/7/2025, from the generated communes seed.
with

source as (

    select * from {{ ref('communes') }}

),

renamed as (

    select
        commune_code,
        commune_name,
        commune_type,
        province_code

    from source

)

select * from renamed
