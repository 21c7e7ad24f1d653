-- One row per reporting body and quarter: did the body send its monthly progress reports,
-- on time (before the 25th of the following month, see fct_submission), and how complete
-- were its files. The reporting-status view the Standing Office chases bodies from.
--
-- A month is expected of a body when the month has opened for reporting (some body sent a
-- progress report for it) and the body existed on the month's last day, so a quarter in
-- progress expects only the months reported so far, and bodies dissolved or created in the
-- 2025 reorganisation are expected only for the months they existed.
with

quarters as (

    select * from {{ ref('int_reporting_quarters') }}

),

reporting_kinds as (

    select kind from {{ ref('agency_kinds') }}
    where is_reporting

),

-- Bodies of a reporting kind, dissolved ones included: they owe the months they existed.
agencies as (

    select * from {{ ref('dim_agency') }}
    where kind in (select reporting_kinds.kind from reporting_kinds)

),

submissions as (

    select * from {{ ref('fct_submission') }}
    where reporting_agency_id is not null and reporting_month is not null

),

quarter_months as (

    select distinct
        quarters.period_key,
        quarters.period_start,
        quarters.period_end,
        quarters.as_of_date,
        submissions.reporting_month,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'submissions.reporting_month')) }}
            as date
        ) as month_end

    from quarters
    inner join submissions
        on
            submissions.source_name = 'progress_report'
            and submissions.reporting_month between quarters.period_start and quarters.period_end

),

expected_months as (

    select
        quarter_months.period_key,
        quarter_months.period_start,
        quarter_months.period_end,
        quarter_months.as_of_date,
        quarter_months.reporting_month,
        agencies.agency_id

    from quarter_months
    inner join agencies
        on
            (agencies.valid_from is null or quarter_months.month_end >= agencies.valid_from)
            and (agencies.valid_to is null or quarter_months.month_end <= agencies.valid_to)

),

-- A month is on time when any of its files arrived before the deadline (a later correction
-- does not make it late); its timing is unknown when no file of it has a submission time.
report_months as (

    select
        reporting_agency_id as agency_id,
        reporting_month,
        count(*) as report_files,
        count(submitted_at) as files_with_time,
        count(case when is_on_time then 1 end) as files_on_time,
        max(submitted_at) as last_submitted_at

    from submissions
    where source_name = 'progress_report'
    group by reporting_agency_id, reporting_month

),

body_months as (

    select
        expected_months.period_key,
        expected_months.period_start,
        expected_months.period_end,
        expected_months.as_of_date,
        expected_months.agency_id,
        expected_months.reporting_month,
        report_months.last_submitted_at,
        report_months.agency_id is not null as is_received,
        report_months.files_with_time > 0 as has_time,
        report_months.files_on_time > 0 as is_on_time

    from expected_months
    left join report_months
        on
            expected_months.agency_id = report_months.agency_id
            and expected_months.reporting_month = report_months.reporting_month

),

months_counted as (

    select
        period_key,
        period_start,
        period_end,
        as_of_date,
        agency_id,
        count(*) as months_expected,
        count(case when is_received then 1 end) as months_received,
        count(case when is_received and not has_time then 1 end) as months_untimed,
        count(case when is_received and has_time and is_on_time then 1 end) as months_on_time,
        count(case when is_received and has_time and not is_on_time then 1 end) as months_late,
        max(last_submitted_at) as last_submitted_at

    from body_months
    group by period_key, period_start, period_end, as_of_date, agency_id

),

-- Every file the body sent for a month of the quarter, whichever source and verdict,
-- superseded ones included: each one is work the office had to read.
files_counted as (

    select
        quarters.period_key,
        submissions.reporting_agency_id as agency_id,
        count(*) as files_received,
        count(case when not submissions.is_accepted then 1 end) as files_rejected,
        cast(sum(submissions.rows_read) as {{ dbt.type_bigint() }}) as rows_read,
        cast(sum(submissions.rows_loaded) as {{ dbt.type_bigint() }}) as rows_loaded,
        cast(sum(submissions.rows_quarantined) as {{ dbt.type_bigint() }}) as rows_quarantined

    from quarters
    inner join submissions
        on submissions.reporting_month between quarters.period_start and quarters.period_end
    group by quarters.period_key, submissions.reporting_agency_id

),

final as (

    select
        {{ dbt.concat(["months_counted.period_key", "':'", "months_counted.agency_id"]) }}
            as row_key,
        months_counted.period_key,
        months_counted.period_start,
        months_counted.period_end,
        months_counted.as_of_date,
        months_counted.agency_id,
        agencies.name_vi,
        agencies.kind,
        agencies.is_reporting_body,
        months_counted.months_expected,
        months_counted.months_received,
        case when months_counted.months_untimed = 0 then months_counted.months_on_time end
            as months_on_time,
        case when months_counted.months_untimed = 0 then months_counted.months_late end
            as months_late,
        months_counted.months_expected - months_counted.months_received as months_missing,
        months_counted.last_submitted_at,
        coalesce(files_counted.files_received, 0) as files_received,
        coalesce(files_counted.files_rejected, 0) as files_rejected,
        files_counted.rows_read,
        files_counted.rows_loaded,
        files_counted.rows_quarantined,
        {{ ratio('months_counted.months_received', 'months_counted.months_expected') }}
            as report_completeness,
        {{ ratio('files_counted.rows_loaded', 'files_counted.rows_read') }}
            as row_completeness

    from months_counted
    inner join agencies
        on months_counted.agency_id = agencies.agency_id
    left join files_counted
        on
            months_counted.period_key = files_counted.period_key
            and months_counted.agency_id = files_counted.agency_id

)

select * from final
