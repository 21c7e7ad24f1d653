{#-
    The status of a task on a given day, as the report of 30/6/2026 counts it:
    recurring tasks have no deadline and are not rated; a task is done only when its
    reported completion date is on or before the day; an unfinished task whose deadline
    has passed is overdue; anything else is in progress within its deadline.
-#}
{% macro task_status(has_deadline, reported_status, completion_date, due_date, as_of_date) -%}
    case
        when not {{ has_deadline }} then 'recurring'
        when {{ reported_status }} = 'done' and {{ completion_date }} <= {{ as_of_date }}
            and {{ completion_date }} <= {{ due_date }} then 'done_on_time'
        when {{ reported_status }} = 'done' and {{ completion_date }} <= {{ as_of_date }}
            then 'done_late'
        when {{ due_date }} < {{ as_of_date }} then 'overdue'
        else 'in_progress'
    end
{%- endmacro %}
