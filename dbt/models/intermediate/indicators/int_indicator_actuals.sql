-- One row per indicator, period and ranking scope: the figure from current results files
-- (a resubmission for the same body and month supersedes the earlier file, see
-- int_submissions_current); should two current files give the same indicator, period and
-- scope, the most recently received wins. unit_matches_target reconciles the actual's unit
-- with the units of the indicator's target parts.
with

actuals as (

    {{ current_submission_rows(ref('stg_indicators__actuals')) }}

),

ranked as (

    select
        actuals.*,
        case when actuals.actual_scope = 'toàn cầu' then 'thế giới' else actuals.actual_scope end
            as scope_key,
        row_number() over (
            partition by
                actuals.indicator_id,
                actuals.period_label,
                coalesce(actuals.actual_scope, '')
            order by actuals.received_at desc, actuals.file_sha256 desc
        ) as submission_rank

    from actuals

),

target_units as (

    select distinct
        indicator_id,
        unit

    from {{ ref('int_indicator_targets') }}

),

latest as (

    select
        ranked.indicator_id,
        ranked.period_label,
        ranked.period_grain,
        ranked.period_start,
        ranked.period_end,
        ranked.actual_scope,
        ranked.scope_key,
        ranked.actual_text,
        ranked.has_data,
        ranked.actual_value,
        ranked.actual_unit,
        ranked.actual_numerator,
        ranked.actual_denominator,
        ranked.is_approximate,
        ranked.data_source,
        ranked.note,
        ranked.reporting_agency_id,
        ranked.as_of_date,
        ranked.file_sha256,
        case
            when not ranked.has_data then cast(null as boolean)
            else target_units.unit is not null
        end as unit_matches_target

    from ranked
    left join target_units
        on
            ranked.indicator_id = target_units.indicator_id
            and ranked.actual_unit = target_units.unit
    where ranked.submission_rank = 1

)

select * from latest
