-- One row per task and current body that answers for it in per-agency figures: each lead
-- body, each group pseudo-agency leading it ("Các tỉnh, thành phố trực thuộc TW"), and every
-- member of such a group. A body both named and reached through a group appears once, as
-- named (via_group_id null). is_primary_lead marks the first lead body named on the task:
-- its report sets the task's national status (D-029), so every model that weighs reports
-- by whose they are reads the mark from here.
with

assigned as (

    select * from {{ ref('int_task_agencies_assigned') }}

),

leads as (

    select distinct
        task_id,
        current_agency_id

    from assigned
    where agency_role = 'lead'

),

primary_leads as (

    select distinct
        task_id,
        current_agency_id

    from assigned
    where is_primary_lead

),

group_members as (

    select * from {{ ref('int_agency_group_members') }}

),

reached as (

    select
        task_id,
        current_agency_id as agency_id,
        cast(null as {{ dbt.type_string() }}) as via_group_id

    from leads

    union all

    select
        leads.task_id,
        group_members.member_agency_id as agency_id,
        leads.current_agency_id as via_group_id

    from leads
    inner join group_members
        on leads.current_agency_id = group_members.group_id

),

collapsed as (

    select
        task_id,
        agency_id,
        case
            when count(case when via_group_id is null then 1 end) = 0 then min(via_group_id)
        end as via_group_id

    from reached
    group by task_id, agency_id

),

marked as (

    select
        collapsed.task_id,
        collapsed.agency_id,
        collapsed.via_group_id,
        primary_leads.task_id is not null as is_primary_lead

    from collapsed
    left join primary_leads
        on
            collapsed.task_id = primary_leads.task_id
            and collapsed.agency_id = primary_leads.current_agency_id

)

select * from marked
