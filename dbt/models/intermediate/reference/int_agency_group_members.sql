-- One row per group pseudo-agency and current reporting body it stands for. "Merged in 2025"
-- provinces are those that took over another province's territory on 1/7/2025.
with

groups as (

    select * from {{ ref('agency_groups') }}
    where member_kind is not null

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

merged_provinces as (

    select distinct successor_id as agency_id
    from agencies
    where kind = 'province' and successor_id is not null and successor_id <> agency_id

),

members as (

    select
        groups.group_id,
        agencies.agency_id as member_agency_id

    from groups
    inner join agencies
        on
            groups.member_kind = agencies.kind
            and agencies.is_current
            and agencies.is_reporting_body
    left join merged_provinces
        on agencies.agency_id = merged_provinces.agency_id
    where not groups.merged_in_2025_only or merged_provinces.agency_id is not null

)

select * from members
