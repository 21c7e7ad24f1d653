-- One row per task and reporting month: when an agency resubmits a month, the most
-- recently received file wins; the earlier one stays queryable in staging.
with

reports as (

    select * from {{ ref('stg_tasks__progress_reports') }}

),

ranked as (

    select
        reports.*,
        row_number() over (
            partition by reports.task_id, reports.reporting_month
            order by reports.received_at desc, reports.file_sha256 desc
        ) as submission_rank

    from reports

),

latest as (

    select
        task_id,
        reporting_month,
        as_of_date,
        reporting_agency_id,
        reported_status,
        completion_date,
        product,
        evidence,
        difficulties,
        file_sha256

    from ranked
    where submission_rank = 1

)

select * from latest
