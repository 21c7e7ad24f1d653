-- One row per quarter that has reports; a quarter's figures are taken as of the latest
-- "data as of" date stated in its reports (29/6/2026 for 2026-Q2).
with

reports as (

    select * from {{ ref('int_progress_reports_latest') }}

),

by_quarter as (

    select
        cast({{ dbt.date_trunc('quarter', 'reporting_month') }} as date) as period_start,
        as_of_date

    from reports

),

quarters as (

    select
        {{ period_key('period_start') }} as period_key,
        period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 3, 'period_start')) }} as date)
            as period_end,
        max(as_of_date) as as_of_date

    from by_quarter
    group by period_start

)

select * from quarters
