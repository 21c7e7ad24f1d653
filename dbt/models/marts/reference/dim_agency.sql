-- One row per body: current and historical ministries, central bodies and provinces, and
-- the group pseudo-agencies that documents assign work to ("Các bộ, ngành, địa phương").
with

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

)

select
    agency_id,
    name_vi,
    short_name_vi,
    name_en,
    kind,
    valid_from,
    valid_to,
    successor_id,
    current_agency_id,
    is_current,
    is_reporting_body

from agencies
