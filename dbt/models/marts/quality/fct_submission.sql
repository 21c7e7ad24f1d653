select
    file_sha256,
    file_name,
    original_path,
    size_bytes,
    received_at,
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
    superseded_by_sha256,
    is_current

from {{ ref('int_submissions_current') }}
