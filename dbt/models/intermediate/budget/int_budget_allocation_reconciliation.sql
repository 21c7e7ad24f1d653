-- One row per received allocation export: the sum of its body rows per stage against the
-- national totals its cover line states. A file without a cover line has nothing to
-- reconcile and counts as reconciled; a difference above half a hundredth of a tỷ does not.
with

allocations as (

    select * from {{ ref('stg_budget__allocations') }}

),

per_file as (

    select
        file_sha256,
        fiscal_year,
        as_of_date,
        max(national_total_budget) as national_total_budget,
        max(national_allocated_budget) as national_allocated_budget,
        max(national_assigned_estimate) as national_assigned_estimate,
        -- decimal(38, 2), DuckDB's sum type, on Spark too (which would widen by 10 digits)
        sum(cast(total_budget as decimal(38, 2))) as sum_total_budget,
        sum(cast(allocated_budget as decimal(38, 2))) as sum_allocated_budget,
        sum(cast(assigned_estimate as decimal(38, 2))) as sum_assigned_estimate

    from allocations
    group by file_sha256, fiscal_year, as_of_date

),

final as (

    select
        per_file.*,
        coalesce(
            abs(per_file.sum_total_budget - per_file.national_total_budget) < 0.005, true
        )
        and coalesce(
            abs(per_file.sum_allocated_budget - per_file.national_allocated_budget) < 0.005, true
        )
        and coalesce(
            abs(per_file.sum_assigned_estimate - per_file.national_assigned_estimate) < 0.005, true
        ) as is_reconciled

    from per_file

)

select * from final
