-- One row per body (current, historical, or group) with the body that carries its work
-- today. Successor chains are at most three links long (2025 reorganisation: one link).
with

agencies as (

    select * from {{ ref('agencies') }}

),

rolled_up as (

    select
        agencies.agency_id,
        agencies.name_vi,
        agencies.short_name_vi,
        agencies.name_en,
        agencies.kind,
        agencies.valid_from,
        agencies.valid_to,
        agencies.successor_id,
        coalesce(
            successor_3.agency_id,
            successor_2.agency_id,
            successor_1.agency_id,
            agencies.agency_id
        ) as current_agency_id,
        agencies.valid_to is null as is_current,
        agencies.valid_to is null and agencies.kind <> 'group' as is_reporting_body

    from agencies
    left join agencies as successor_1
        on agencies.successor_id = successor_1.agency_id
    left join agencies as successor_2
        on successor_1.successor_id = successor_2.agency_id
    left join agencies as successor_3
        on successor_2.successor_id = successor_3.agency_id

)

select * from rolled_up
