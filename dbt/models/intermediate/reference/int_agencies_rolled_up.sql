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
        coalesce(third.agency_id, second.agency_id, first.agency_id, agencies.agency_id)
            as current_agency_id,
        agencies.valid_to is null as is_current,
        agencies.valid_to is null and agencies.kind <> 'group' as is_reporting_body

    from agencies
    left join agencies as first
        on agencies.successor_id = first.agency_id
    left join agencies as second
        on first.successor_id = second.agency_id
    left join agencies as third
        on second.successor_id = third.agency_id

)

select * from rolled_up
