-- One row per quarter, task and body answering for it (int_task_leads_expanded: each lead
-- body, each lead group and every member of such a group): the status the body's own last
-- report implies on the quarter's as-of date, so co-leads that report a shared task
-- differently each see their own status. A body that has not reported the task itself (a
-- group, a group member whose task the Standing Office compiles, a co-lead that leaves the
-- reporting to the primary lead) is shown the task's national status, and status_basis
-- says which of the two a row carries.
with

quarter_status as (

    select * from {{ ref('int_task_quarter_status') }}

),

leads as (

    select * from {{ ref('int_task_leads_expanded') }}

),

reports as (

    select * from {{ ref('int_progress_reports_latest') }}

),

answering as (

    select
        quarter_status.period_key,
        quarter_status.period_start,
        quarter_status.period_end,
        quarter_status.as_of_date,
        quarter_status.task_id,
        quarter_status.due_date,
        quarter_status.has_deadline,
        leads.agency_id,
        leads.via_group_id,
        leads.is_primary_lead

    from quarter_status
    inner join leads
        on quarter_status.task_id = leads.task_id

),

own_reports_by_recency as (

    select
        answering.period_key,
        answering.task_id,
        answering.agency_id,
        reports.reporting_month,
        reports.reported_status,
        reports.completion_date,
        reports.evidence,
        row_number() over (
            partition by answering.period_key, answering.task_id, answering.agency_id
            order by
                reports.as_of_date desc,
                reports.reporting_month desc,
                reports.received_at desc,
                reports.reporting_agency_id asc
        ) as recency_rank

    from answering
    inner join reports
        on
            answering.task_id = reports.task_id
            and answering.agency_id = reports.reporting_current_agency_id
            and answering.as_of_date >= reports.as_of_date

),

own_last_report as (

    select * from own_reports_by_recency
    where recency_rank = 1

),

own_status as (

    select
        answering.period_key,
        answering.task_id,
        answering.agency_id,
        own_last_report.reported_status,
        own_last_report.completion_date,
        own_last_report.reporting_month as last_reported_month,
        own_last_report.reporting_month >= answering.period_start as reported_in_period,
        coalesce(trim(own_last_report.evidence) <> '', false) as has_evidence,
        {{ task_status(
            'answering.has_deadline',
            'own_last_report.reported_status',
            'own_last_report.completion_date',
            'answering.due_date',
            'answering.as_of_date'
        ) }} as status

    from answering
    inner join own_last_report
        on
            answering.period_key = own_last_report.period_key
            and answering.task_id = own_last_report.task_id
            and answering.agency_id = own_last_report.agency_id

),

per_body as (

    select
        answering.period_key,
        answering.period_start,
        answering.period_end,
        answering.as_of_date,
        answering.task_id,
        answering.agency_id,
        answering.via_group_id,
        answering.is_primary_lead,
        answering.due_date,
        answering.has_deadline,
        case
            when own_status.task_id is not null then 'own_report' else 'task_status'
        end as status_basis,
        coalesce(own_status.reported_status, quarter_status.reported_status)
            as reported_status,
        coalesce(own_status.status, quarter_status.status) as status,
        case
            when own_status.task_id is not null then own_status.completion_date
            else quarter_status.completion_date
        end as completion_date,
        coalesce(own_status.has_evidence, quarter_status.has_evidence) as has_evidence,
        coalesce(own_status.reported_in_period, quarter_status.reported_in_period)
            as reported_in_period,
        coalesce(own_status.last_reported_month, quarter_status.last_reported_month)
            as last_reported_month

    from answering
    inner join quarter_status
        on
            answering.period_key = quarter_status.period_key
            and answering.task_id = quarter_status.task_id
    left join own_status
        on
            answering.period_key = own_status.period_key
            and answering.task_id = own_status.task_id
            and answering.agency_id = own_status.agency_id

)

select * from per_body
