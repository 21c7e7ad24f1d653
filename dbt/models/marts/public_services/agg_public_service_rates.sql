-- The portal's rates per body, per level (ministries, provinces) and nationally, for each
-- month and for the year to date (January to the month: the report's "05 tháng đầu năm
-- 2026" is the year-to-date row of May 2026). Every rate is its summed numerator over its
-- summed base, never an average of rates, so a large province weighs as its dossiers do.
-- A body adds to a pair only where it gave both halves; bodies without figures are counted.
with

monthly as (

    select * from {{ ref('fct_public_service') }}

),

months as (

    select distinct reporting_month from monthly

),

windows as (

    select
        months.reporting_month as period_month,
        'month' as period_window,
        monthly.*

    from months
    inner join monthly
        on months.reporting_month = monthly.reporting_month

    union all

    select
        months.reporting_month as period_month,
        'year_to_date' as period_window,
        monthly.*

    from months
    inner join monthly
        on
            extract(year from months.reporting_month) = extract(year from monthly.reporting_month)
            and months.reporting_month >= monthly.reporting_month

),

scoped as (

    select
        'agency' as scope,
        windows.current_agency_id as scope_id,
        windows.*

    from windows

    union all

    select
        'level' as scope,
        windows.service_level as scope_id,
        windows.*

    from windows

    union all

    select
        'national' as scope,
        'national' as scope_id,
        windows.*

    from windows

),

summed as (

    select
        scope,
        scope_id,
        period_month,
        period_window,
        cast(count(distinct current_agency_id) as integer) as bodies_reporting,
        cast(count(distinct reporting_month) as integer) as months_covered,
        cast(sum(dossiers_online) as bigint) as online_numerator,
        cast(sum(dossiers_received) as bigint) as online_base,
        cast(sum(dossiers_digitised) as bigint) as digitisation_numerator,
        cast(sum(digitisation_base) as bigint) as digitisation_base,
        cast(sum(dossiers_reused) as bigint) as reuse_numerator,
        cast(sum(reuse_base) as bigint) as reuse_base,
        cast(sum(results_electronic) as bigint) as e_result_numerator,
        cast(sum(dossiers_resolved) as bigint) as e_result_base,
        cast(sum(dossiers_paid_online) as bigint) as online_payment_numerator,
        cast(sum(payment_base) as bigint) as online_payment_base

    from scoped
    group by scope, scope_id, period_month, period_window

)

select
    scope,
    scope_id,
    period_month as reporting_month,
    period_window,
    bodies_reporting,
    months_covered,
    online_numerator,
    online_base,
    {{ ratio('online_numerator', 'online_base') }} as online_rate,
    digitisation_numerator,
    digitisation_base,
    {{ ratio('digitisation_numerator', 'digitisation_base') }} as digitisation_rate,
    reuse_numerator,
    reuse_base,
    {{ ratio('reuse_numerator', 'reuse_base') }} as reuse_rate,
    e_result_numerator,
    e_result_base,
    {{ ratio('e_result_numerator', 'e_result_base') }} as e_result_rate,
    online_payment_numerator,
    online_payment_base,
    {{ ratio('online_payment_numerator', 'online_payment_base') }} as online_payment_rate

from summed
