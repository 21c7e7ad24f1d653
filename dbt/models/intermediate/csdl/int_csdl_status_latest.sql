-- One row per database and status as-of date: the database's latest reported status on
-- that date. The as-of dates are those of the current status exports; a database missing
-- from an export keeps its last reported status (carried forward, is_reported_on_date
-- false). A corrected export for the same month supersedes the earlier file as a whole (see
-- int_submissions_current); should two current files report a database on the same as-of
-- date, the most recently received wins.
with

statuses as (

    {{ current_submission_rows(ref('stg_csdl__status')) }}

),

as_of_dates as (

    select distinct as_of_date from statuses

),

candidates as (

    select
        as_of_dates.as_of_date,
        statuses.database_id,
        statuses.as_of_date as reported_as_of_date,
        statuses.reporting_month,
        statuses.reporting_agency_id,
        statuses.criteria_met,
        statuses.is_reconciled,
        statuses.is_synced,
        statuses.note,
        statuses.file_sha256,
        row_number() over (
            partition by statuses.database_id, as_of_dates.as_of_date
            order by
                statuses.as_of_date desc,
                statuses.received_at desc,
                statuses.file_sha256 desc
        ) as status_rank

    from as_of_dates
    inner join statuses
        on as_of_dates.as_of_date >= statuses.as_of_date

),

latest as (

    select
        database_id,
        as_of_date,
        reported_as_of_date,
        reporting_month,
        reporting_agency_id,
        criteria_met,
        is_reconciled,
        is_synced,
        note,
        file_sha256,
        reported_as_of_date = as_of_date as is_reported_on_date

    from candidates
    where status_rank = 1

)

select * from latest
