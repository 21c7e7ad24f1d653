-- One row per body and month: the portal's counts from the current export of the month. A
-- corrected export of a month supersedes the earlier file as a whole (see
-- int_submissions_current); should two current files from different senders (the portal
-- moved from the Government Office to the Ministry of Public Security) report a body for
-- the same month, the most recently received wins.
with

reports as (

    {{ current_submission_rows(ref('stg_public_services__portal_counts')) }}

),

ranked as (

    select
        reports.*,
        row_number() over (
            partition by reports.agency_id, reports.reporting_month
            order by reports.received_at desc, reports.file_sha256 desc
        ) as report_rank

    from reports

)

select
    agency_id,
    reporting_month,
    reporting_agency_id,
    as_of_date,
    dossiers_received,
    dossiers_online,
    digitisation_base,
    dossiers_digitised,
    reuse_base,
    dossiers_reused,
    dossiers_resolved,
    results_electronic,
    payment_base,
    dossiers_paid_online,
    note,
    file_sha256,
    source_row_number

from ranked
where report_rank = 1
