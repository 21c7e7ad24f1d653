{#- 'YYYY-Qn' for the quarter that starts on `period_start`, portable across engines. -#}
{% macro period_key(period_start) -%}
    cast(extract(year from {{ period_start }}) as {{ dbt.type_string() }})
    || '-Q'
    || cast(extract(quarter from {{ period_start }}) as {{ dbt.type_string() }})
{%- endmacro %}
