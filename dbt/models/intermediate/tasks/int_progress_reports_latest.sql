-- One row per task, reporting month and reporting body: co-leads each report a shared task,
-- and one body's report never overwrites another's. When a body resubmits a month, its
-- corrected file replaces the earlier one as a whole (see int_submissions_current); should
-- two current files of the same body still name a task for the same month, the most
-- recently received wins. reporter_role says whose report it is: the task's primary lead
-- (its national status comes from that report), another lead, a member of a lead group, or
-- another body (the Standing Office compiling a group-led task).
with

reports as (

    {{ current_submission_rows(ref('stg_tasks__progress_reports')) }}

),

agencies as (

    select * from {{ ref('int_agencies_rolled_up') }}

),

leads as (

    select * from {{ ref('int_task_leads_expanded') }}

),

ranked as (

    select
        reports.*,
        row_number() over (
            partition by reports.task_id, reports.reporting_month, reports.reporting_agency_id
            order by reports.received_at desc, reports.file_sha256 desc
        ) as submission_rank

    from reports

),

latest as (

    select
        ranked.task_id,
        ranked.reporting_month,
        ranked.as_of_date,
        ranked.reporting_agency_id,
        ranked.reported_status,
        ranked.completion_date,
        ranked.product,
        ranked.evidence,
        ranked.difficulties,
        ranked.received_at,
        ranked.file_sha256,
        coalesce(agencies.current_agency_id, ranked.reporting_agency_id)
            as reporting_current_agency_id

    from ranked
    left join agencies
        on ranked.reporting_agency_id = agencies.agency_id
    where ranked.submission_rank = 1

),

with_role as (

    select
        latest.*,
        case
            when leads.is_primary_lead then 'primary_lead'
            when leads.task_id is not null and leads.via_group_id is null then 'lead'
            when leads.task_id is not null then 'group_member'
            else 'other'
        end as reporter_role

    from latest
    left join leads
        on
            latest.task_id = leads.task_id
            and latest.reporting_current_agency_id = leads.agency_id

)

select * from with_role
