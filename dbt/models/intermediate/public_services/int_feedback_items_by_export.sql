-- One row per feedback item and export date. Each export is a full snapshot to its date; if
-- the system re-exports the same date, the most recently received file stands for it.
with

items as (

    select * from {{ ref('stg_public_services__feedback_items') }}

),

files as (

    select distinct
        as_of_date,
        file_sha256,
        received_at

    from items

),

ranked_files as (

    select
        as_of_date,
        file_sha256,
        row_number() over (
            partition by as_of_date
            order by received_at desc, file_sha256 desc
        ) as file_rank

    from files

)

select
    items.item_id,
    items.file_sha256,
    items.file_name,
    items.sheet_name,
    items.source_row_number,
    items.received_at,
    items.original_values,
    items.reporting_agency_id,
    items.as_of_date,
    items.received_date,
    items.item_kind,
    items.topic,
    items.summary,
    items.handling_agency_id,
    items.handling_status,
    items.handling_status_text,
    items.handled_date,
    items.is_handled

from items
inner join ranked_files
    on
        items.file_sha256 = ranked_files.file_sha256
        and ranked_files.file_rank = 1
