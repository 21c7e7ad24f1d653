-- One row per quarter for the nation, and one per quarter and lead body (current bodies,
-- history rolled up to successors). A task with two lead bodies counts once nationally (as
-- its primary lead reports it) and once for each body (as that body reports it), so agency
-- rows do not add up to the national row. A task led by a group ("Các bộ, ngành, địa
-- phương") counts for the group and for each of its members.
with

quarter_status as (

    select * from {{ ref('fct_task_quarter_status') }}

),

agency_status as (

    select * from {{ ref('fct_task_agency_quarter_status') }}

),

national_rows as (

    select
        period_key,
        period_start,
        period_end,
        as_of_date,
        'national' as scope,
        cast(null as {{ dbt.type_string() }}) as agency_id,
        task_id,
        status,
        has_evidence

    from quarter_status

),

agency_rows as (

    select
        period_key,
        period_start,
        period_end,
        as_of_date,
        'agency' as scope,
        agency_id,
        task_id,
        status,
        has_evidence

    from agency_status

),

all_rows as (

    select * from national_rows
    union all
    select * from agency_rows

),

counted as (

    select
        period_key,
        period_start,
        period_end,
        as_of_date,
        scope,
        agency_id,
        count(*) as tasks_assigned,
        count(case when status = 'recurring' then 1 end) as tasks_recurring,
        count(case when status <> 'recurring' then 1 end) as tasks_with_deadline,
        count(case when status in ('done_on_time', 'done_late') then 1 end) as tasks_done,
        count(case when status = 'done_on_time' then 1 end) as tasks_done_on_time,
        count(case when status = 'done_late' then 1 end) as tasks_done_late,
        count(case when status = 'in_progress' then 1 end) as tasks_in_progress,
        count(case when status = 'overdue' then 1 end) as tasks_overdue,
        count(
            case when status in ('done_on_time', 'done_late') and not has_evidence then 1 end
        ) as tasks_done_without_evidence

    from all_rows
    group by period_key, period_start, period_end, as_of_date, scope, agency_id

),

rated as (

    select
        period_key,
        period_start,
        period_end,
        as_of_date,
        scope,
        agency_id,
        tasks_assigned,
        tasks_recurring,
        tasks_with_deadline,
        tasks_done,
        tasks_done_on_time,
        tasks_done_late,
        tasks_in_progress,
        tasks_overdue,
        tasks_done_without_evidence,
        case
            when tasks_with_deadline > 0
                then cast(tasks_done as double) / tasks_with_deadline
        end as completion_rate,
        case
            when tasks_with_deadline > 0
                then cast(tasks_in_progress as double) / tasks_with_deadline
        end as in_progress_rate,
        case
            when tasks_with_deadline > 0
                then cast(tasks_overdue as double) / tasks_with_deadline
        end as overdue_rate,
        {{ dbt.concat(["period_key", "':'", "coalesce(agency_id, 'national')"]) }} as row_key

    from counted

)

select * from rated
