-- The allocation figures of each export date: one export per fiscal year and as-of date
-- counts; a later file for the same date (a correction) replaces the earlier one as a whole.
with

allocations as (

    select * from {{ ref('stg_budget__allocations') }}

),

current_files as (

    {{ latest_files(ref('stg_budget__allocations'), ['fiscal_year', 'as_of_date']) }}

),

final as (

    select
        allocations.fiscal_year,
        allocations.as_of_date,
        allocations.agency_id,
        allocations.pillar,
        allocations.total_budget,
        allocations.allocated_budget,
        allocations.assigned_estimate,
        allocations.note,
        allocations.file_sha256

    from allocations
    inner join current_files
        on allocations.file_sha256 = current_files.file_sha256

)

select * from final
