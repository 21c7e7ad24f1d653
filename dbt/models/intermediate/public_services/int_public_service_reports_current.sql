-- One row per body and month: the portal's counts from the current export of the month. A
-- corrected export of a month supersedes the earlier file as a whole (see
-- int_submissions_current); should two current files from different senders (the portal
-- moved from the Government Office to the Ministry of Public Security) report a body for
-- the same month, the most recently received wins. Counts from a dossier-level export
-- (int_public_service_dossier_counts) take part on the same terms: for a body and month,
-- the most recently received file wins, whichever of the two kinds it is; an export a
-- reviewer set aside counts no more than a portal file set aside.
with

portal as (

    {{ current_submission_rows(ref('stg_public_services__portal_counts')) }}

),

dossier_counts as (

    {{ current_submission_rows(ref('int_public_service_dossier_counts')) }}

),

reports as (

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
        source_row_number,
        received_at

    from portal

    union all

    select
        agency_id,
        reporting_month,
        cast(null as {{ dbt.type_string() }}) as reporting_agency_id,
        cast(null as date) as as_of_date,
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
        cast(null as {{ dbt.type_string() }}) as note,
        file_sha256,
        cast(null as integer) as source_row_number,
        received_at

    from dossier_counts

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
