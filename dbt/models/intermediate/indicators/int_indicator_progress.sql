-- Progress status per indicator target part and reported period, the way national SDG
-- platforms assess it (required vs observed compound annual growth towards the target year):
--   * the actual used at a period is the latest figure with data at or before it, and the
--     baseline the first figure with data; both must be in the target's unit and scope;
--   * achieved: the latest figure meets the target ("=" and ranges: reached the level, in
--     the target's direction);
--   * otherwise, with a baseline earlier than the latest figure, observed CAGR =
--     (latest / baseline)^(1 / years between them) - 1 and required CAGR =
--     (target / latest)^(1 / years to 31 December of the target year) - 1; on track when
--     observed >= required (higher is better) or observed <= required (lower is better:
--     ranks and upper bounds), off track otherwise;
--   * off track when the target year is over; growth-rate targets (%/năm) are met or not;
--   * no data without a figure, with a single figure (no trend), or with figures <= 0.
-- Qualitative targets (no figure) get one no_data row per period: only an override rates them.
with

registered as (

    select * from {{ ref('int_indicators_registered') }}

),

targets as (

    select * from {{ ref('int_indicator_targets') }}

),

actuals as (

    select * from {{ ref('int_indicator_actuals') }}

),

parts as (

    select
        registered.indicator_id,
        registered.indicator_name,
        registered.responsible_agency_id,
        registered.is_quantitative,
        registered.target_text,
        targets.comparator,
        targets.target_value,
        targets.target_value_high,
        targets.unit,
        targets.scope,
        targets.scope_key,
        targets.qualifier,
        coalesce(targets.target_part, 0) as target_part,
        coalesce(targets.target_year, registered.target_year) as target_year,
        coalesce(targets.lower_is_better, false) as lower_is_better

    from registered
    left join targets
        on registered.indicator_id = targets.indicator_id

),

-- An actual applies to a part when its scope is open or the same (a world rank is not a
-- regional one).
applicable as (

    select
        parts.indicator_id,
        parts.target_part,
        actuals.period_label,
        actuals.period_grain,
        actuals.period_start,
        actuals.period_end,
        actuals.has_data,
        actuals.actual_value,
        actuals.actual_unit,
        actuals.actual_text,
        actuals.unit_matches_target,
        (
            actuals.has_data
            and actuals.actual_unit = parts.unit
            and actuals.actual_value is not null
        ) as is_usable

    from parts
    inner join actuals
        on
            parts.indicator_id = actuals.indicator_id
            and (
                parts.scope_key is null
                or actuals.scope_key is null
                or parts.scope_key = actuals.scope_key
            )

),

periods as (

    select
        indicator_id,
        target_part,
        period_label,
        max(period_grain) as period_grain,
        max(period_start) as period_start,
        max(period_end) as period_end,
        max(case when has_data then 1 else 0 end) as has_data_flag,
        max(case when has_data and not is_usable then 1 else 0 end) as unit_mismatch_flag

    from applicable
    group by indicator_id, target_part, period_label

),

grid as (

    select
        parts.*,
        periods.period_label,
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        coalesce(periods.has_data_flag, 0) = 1 as has_data,
        coalesce(periods.unit_mismatch_flag, 0) = 1 as has_unit_mismatch

    from parts
    left join periods
        on
            parts.indicator_id = periods.indicator_id
            and parts.target_part = periods.target_part

),

points as (

    select * from applicable
    where is_usable

),

grid_points as (

    select
        grid.indicator_id,
        grid.target_part,
        grid.period_label,
        points.period_label as point_period,
        points.period_end as point_end,
        points.actual_value as point_value,
        row_number() over (
            partition by grid.indicator_id, grid.target_part, grid.period_label
            order by points.period_end desc
        ) as rank_latest,
        row_number() over (
            partition by grid.indicator_id, grid.target_part, grid.period_label
            order by points.period_end asc
        ) as rank_first

    from grid
    inner join points
        on
            grid.indicator_id = points.indicator_id
            and grid.target_part = points.target_part
            and grid.period_end >= points.period_end

),

measured as (

    select
        grid.*,
        latest.point_value as latest_value,
        latest.point_period as latest_period,
        latest.point_end as latest_period_end,
        baseline.point_value as baseline_value,
        baseline.point_period as baseline_period,
        baseline.point_end as baseline_period_end,
        cast(
            {{ dbt.concat(["cast(grid.target_year as " ~ dbt.type_string() ~ ")", "'-12-31'"]) }}
            as date
        ) as target_date

    from grid
    left join grid_points as latest
        on
            grid.indicator_id = latest.indicator_id
            and grid.target_part = latest.target_part
            and grid.period_label = latest.period_label
            and latest.rank_latest = 1
    left join grid_points as baseline
        on
            grid.indicator_id = baseline.indicator_id
            and grid.target_part = baseline.target_part
            and grid.period_label = baseline.period_label
            and baseline.rank_first = 1

),

timed as (

    select
        measured.*,
        -- doubles on both engines (Spark would divide by the decimal 365.25 to six places)
        cast(
            {{ dbt.datediff("measured.baseline_period_end", "measured.latest_period_end", "day") }}
            as double
        ) / 365.25 as years_observed,
        cast(
            {{ dbt.datediff("measured.latest_period_end", "measured.target_date", "day") }}
            as double
        ) / 365.25 as years_remaining,
        case
            when measured.latest_value is null then null
            when measured.comparator = '>=' then measured.latest_value >= measured.target_value
            when measured.comparator = '>' then measured.latest_value > measured.target_value
            when measured.comparator = '<=' then measured.latest_value <= measured.target_value
            when measured.comparator = '<' then measured.latest_value < measured.target_value
            when measured.comparator = 'rank_top'
                then measured.latest_value <= measured.target_value
            when measured.lower_is_better then measured.latest_value <= measured.target_value
            else measured.latest_value >= measured.target_value
        end as meets_target

    from measured

),

growth as (

    select
        timed.*,
        case
            when
                timed.years_observed > 0
                and timed.baseline_value > 0
                and timed.latest_value > 0
                then
                    power(
                        timed.latest_value / timed.baseline_value, 1.0 / timed.years_observed
                    )
                    - 1
        end as observed_cagr,
        case
            when
                timed.years_remaining > 0
                and timed.latest_value > 0
                and timed.target_value > 0
                then
                    power(
                        timed.target_value / timed.latest_value, 1.0 / timed.years_remaining
                    )
                    - 1
        end as required_cagr

    from timed

),

assessed as (

    select
        growth.*,
        case
            when not growth.is_quantitative then 'qualitative_target'
            when growth.latest_value is null and growth.has_unit_mismatch then 'unit_mismatch'
            when growth.latest_value is null then 'no_actual'
            when growth.meets_target then 'target_met'
            when growth.unit = '%/năm' then 'rate_target_not_met'
            when growth.years_remaining <= 0 then 'target_year_passed'
            when growth.years_observed is null or growth.years_observed <= 0
                then 'single_observation'
            when growth.observed_cagr is null or growth.required_cagr is null
                then 'growth_undefined'
            else 'cagr_observed_vs_required'
        end as status_method

    from growth

),

final as (

    select
        assessed.*,
        case
            when assessed.status_method = 'target_met' then 'achieved'
            when assessed.status_method in ('rate_target_not_met', 'target_year_passed')
                then 'off_track'
            when assessed.status_method = 'cagr_observed_vs_required'
                then case
                    when
                        assessed.lower_is_better
                        and assessed.observed_cagr <= assessed.required_cagr
                        then 'on_track'
                    when
                        not assessed.lower_is_better
                        and assessed.observed_cagr >= assessed.required_cagr
                        then 'on_track'
                    else 'off_track'
                end
            else 'no_data'
        end as progress_status

    from assessed

)

select * from final
