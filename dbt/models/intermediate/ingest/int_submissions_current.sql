-- A corrected resubmission from the same body for the same source and month supersedes the
-- earlier file as a whole (rows it drops are dropped); both stay queryable. Only files that
-- loaded rows take part, so a wholly rejected resubmission never wipes a good report.
-- Files without a sender and month (the task register) are never superseded as files.
-- A file a reviewer set aside (`nq57 reject`) takes no part: the body's previous file for
-- the month is current again, as if the set-aside file had never been received.
with

submissions as (

    select * from {{ ref('stg_ingest__submissions') }}

),

set_aside as (

    select * from {{ ref('stg_ingest__files_set_aside') }}

),

ranked as (

    select
        submissions.*,
        set_aside.file_sha256 is not null as is_set_aside,
        (
            submissions.reporting_agency_id is not null
            and submissions.reporting_month is not null
            and submissions.rows_loaded > 0
            and set_aside.file_sha256 is null
        ) as takes_part

    from submissions
    left join set_aside
        on submissions.file_sha256 = set_aside.file_sha256

),

ordered as (

    select
        ranked.*,
        case
            when ranked.takes_part
                then lead(ranked.file_sha256) over (
                    partition by
                        ranked.takes_part,
                        ranked.source_name,
                        ranked.reporting_agency_id,
                        ranked.reporting_month
                    order by ranked.received_at, ranked.file_sha256
                )
        end as superseded_by_sha256

    from ranked

),

final as (

    select
        file_sha256,
        file_name,
        original_path,
        size_bytes,
        received_at,
        submitted_at,
        source_name,
        source_family,
        reporting_agency_id,
        reporting_month,
        as_of_date,
        rows_read,
        rows_loaded,
        rows_quarantined,
        error_count,
        warning_count,
        is_accepted,
        legacy_encoding,
        is_set_aside,
        superseded_by_sha256,
        superseded_by_sha256 is null and not is_set_aside as is_current

    from ordered

)

select * from final
