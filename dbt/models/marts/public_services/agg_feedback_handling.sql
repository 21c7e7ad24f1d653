-- Items received and handled to each export date, nationally and per handling body (the
-- report of 30/6/2026: 1.009/1.071 handled, 94,2%).
with

items as (

    select * from {{ ref('fct_feedback_item') }}

),

scoped as (

    select
        'national' as scope,
        'national' as scope_id,
        items.*

    from items

    union all

    select
        'agency' as scope,
        handling_current_agency_id as scope_id,
        items.*

    from items

),

summed as (

    select
        scope,
        scope_id,
        as_of_date,
        cast(count(*) as integer) as items_received,
        cast(sum(case when is_handled then 1 else 0 end) as integer) as items_handled,
        cast(sum(case when handling_status = 'in_progress' then 1 else 0 end) as integer)
            as items_in_progress,
        cast(sum(case when handling_status = 'pending' then 1 else 0 end) as integer)
            as items_pending,
        avg(cast(days_to_handle as double)) as mean_days_to_handle

    from scoped
    group by scope, scope_id, as_of_date

)

select
    scope,
    scope_id,
    as_of_date,
    items_received,
    items_handled,
    items_in_progress,
    items_pending,
    {{ ratio('items_handled', 'items_received') }} as handled_rate,
    mean_days_to_handle

from summed
