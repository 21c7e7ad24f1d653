{#- Fails on every combination of `columns` that occurs more than once (the grain test for
    models whose key spans several columns; dbt packages cannot be fetched offline). -#}
{% test nq57_unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}
