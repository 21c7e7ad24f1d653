-- The allocation figures of each export date: one export per fiscal year and as-of date
-- counts; a later file for the same date (a correction) replaces the earlier one as a whole.
with

allocations as (

    select * from {{ ref('stg_budget__allocations') }}

),

files as (

    select distinct
        file_sha256,
        fiscal_year,
        as_of_date,
        received_at

    from allocations

),

ranked_files as (

    select
        file_sha256,
        row_number() over (
            partition by fiscal_year, as_of_date
            order by received_at desc, file_sha256 desc
        ) as file_rank

    from files

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
    inner join ranked_files
        on allocations.file_sha256 = ranked_files.file_sha256
    where ranked_files.file_rank = 1

)

select * from final
