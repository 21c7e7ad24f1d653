{#-
    A task's name as the key that finds the same task in another document: lower case, runs
    of white space made one space, no space or closing full stop at either end. Landing has
    already made the text NFC (one byte form per letter), so "Bộ" spelled two ways is one.
    Regular-expression replacement differs by engine (DuckDB replaces the first match unless
    told 'g'; Spark replaces all), hence the dispatch. The default (Spark) strips the full
    stop in the ANSI form: the order of two-argument rtrim's arguments changed across Spark
    versions.
-#}
{% macro task_name_key(column) -%}
    {{ return(adapter.dispatch('task_name_key', 'nq57')(column)) }}
{%- endmacro %}

{% macro default__task_name_key(column) -%}
    trim(trailing '.' from trim(lower(regexp_replace({{ column }}, '\\s+', ' '))))
{%- endmacro %}

{% macro duckdb__task_name_key(column) -%}
    rtrim(trim(lower(regexp_replace({{ column }}, '\s+', ' ', 'g'))), '.')
{%- endmacro %}

{#- The key that finds the same task in another document: its name key and the body that
    leads it today ('-' when no lead is known). -#}
{% macro task_key(name_column, lead_column) -%}
    {{ dbt.concat([task_name_key(name_column), "'|'", "coalesce(" ~ lead_column ~ ", '-')"]) }}
{%- endmacro %}
