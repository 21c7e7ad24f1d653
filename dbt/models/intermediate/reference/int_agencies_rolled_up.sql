-- One row per body (current, historical, or group) with the body that carries its work
-- today. Successor chains are at most three links long (2025 reorganisation: one link).
-- Only bodies of a reporting kind (agency_kinds) report; Party committees, National Assembly
-- committees, banks and corporations are named in documents but owe no monthly report.
with

agencies as (

    select * from {{ ref('agencies') }}

),

kinds as (

    select * from {{ ref('agency_kinds') }}

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
        agencies.valid_to is null and kinds.is_reporting as is_reporting_body

    from agencies
    inner join kinds
        on agencies.kind = kinds.kind
    left join agencies as successor_1
        on agencies.successor_id = successor_1.agency_id
    left join agencies as successor_2
        on successor_1.successor_id = successor_2.agency_id
    left join agencies as successor_3
        on successor_2.successor_id = successor_3.agency_id

)

select * from rolled_up
