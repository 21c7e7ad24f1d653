-- Every date the budget is known at (any allocation or disbursement export date of a fiscal
-- year), with the exports that were the latest on that date: figures are taken as known on
-- the day, so a disbursement date uses the last allocation export on or before it.
with

allocation_dates as (

    select distinct
        fiscal_year,
        as_of_date

    from {{ ref('int_budget_allocations_current') }}

),

disbursement_dates as (

    select distinct
        fiscal_year,
        as_of_date

    from {{ ref('int_budget_disbursements_current') }}

),

all_dates as (

    select
        fiscal_year,
        as_of_date
    from allocation_dates
    union
    select
        fiscal_year,
        as_of_date
    from disbursement_dates

),

with_allocation as (

    select
        all_dates.fiscal_year,
        all_dates.as_of_date,
        max(allocation_dates.as_of_date) as allocation_as_of_date

    from all_dates
    left join allocation_dates
        on
            all_dates.fiscal_year = allocation_dates.fiscal_year
            and all_dates.as_of_date >= allocation_dates.as_of_date
    group by all_dates.fiscal_year, all_dates.as_of_date

),

final as (

    select
        with_allocation.fiscal_year,
        with_allocation.as_of_date,
        with_allocation.allocation_as_of_date,
        max(disbursement_dates.as_of_date) as disbursement_as_of_date

    from with_allocation
    left join disbursement_dates
        on
            with_allocation.fiscal_year = disbursement_dates.fiscal_year
            and with_allocation.as_of_date >= disbursement_dates.as_of_date
    group by
        with_allocation.fiscal_year,
        with_allocation.as_of_date,
        with_allocation.allocation_as_of_date

)

select * from final
