-- One row per feedback item (pakn.dcs.vn) and export date: the body handling it, its status
-- on the date, and how many days it took to handle.
with

items as (

    select * from {{ ref('int_feedback_items_by_export') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

final as (

    select
        items.item_id,
        items.as_of_date,
        items.received_date,
        items.item_kind,
        items.topic,
        items.summary,
        items.handling_agency_id,
        agencies.current_agency_id as handling_current_agency_id,
        items.handling_status,
        items.handling_status_text,
        items.is_handled,
        items.handled_date,
        case
            when items.handled_date is not null
                then cast(
                    {{ dbt.datediff('items.received_date', 'items.handled_date', 'day') }}
                    as bigint
                )
        end as days_to_handle,
        items.file_sha256

    from items
    inner join agencies
        on items.handling_agency_id = agencies.agency_id

)

select * from final
