-- One row per feedback item and export date. Each export is a full snapshot to its date; if
-- the system re-exports the same date, the most recently received file stands for it.
with

items as (

    select * from {{ ref('stg_public_services__feedback_items') }}

),

current_files as (

    {{ latest_files(ref('stg_public_services__feedback_items'), ['as_of_date']) }}

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
inner join current_files
    on items.file_sha256 = current_files.file_sha256
