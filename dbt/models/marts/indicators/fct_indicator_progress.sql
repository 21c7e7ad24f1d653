-- One row per indicator target part and reported period, with the computed progress status
-- (see int_indicator_progress for the method) and any manual override beside it.
with

progress as (

    select * from {{ ref('int_indicator_progress') }}

),

overrides as (

    select * from {{ ref('indicator_status_overrides') }}

),

final as (

    select
        {{ dbt.concat([
            "progress.indicator_id", "'#'",
            "cast(progress.target_part as " ~ dbt.type_string() ~ ")", "'@'",
            "coalesce(progress.period_label, '-')"
        ]) }} as row_key,
        progress.indicator_id,
        progress.indicator_name,
        progress.responsible_agency_id,
        progress.target_part,
        progress.target_text,
        progress.comparator,
        progress.target_value,
        progress.target_value_high,
        progress.unit,
        progress.scope,
        progress.qualifier,
        progress.target_year,
        progress.lower_is_better,
        progress.period_label as period,
        progress.period_grain,
        progress.period_start,
        progress.period_end,
        progress.has_data,
        progress.baseline_value,
        progress.baseline_period,
        progress.latest_value,
        progress.latest_period,
        progress.observed_cagr,
        progress.required_cagr,
        progress.progress_status,
        progress.status_method,
        overrides.status as status_override,
        overrides.reason as override_reason,
        overrides.decided_by as override_decided_by,
        coalesce(overrides.status, progress.progress_status) as status

    from progress
    left join overrides
        on
            progress.indicator_id = overrides.indicator_id
            and coalesce(progress.period_label, '-') = overrides.period

)

select * from final
