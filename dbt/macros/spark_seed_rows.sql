{#
    A seed's table on Spark, created from a query that returns no row: Spark then writes one
    Parquet file with the columns, so a seed with no rows (indicator_status_overrides) still
    has a schema when the build is copied into DuckDB (lib/home/spark_build). dbt-spark's own
    `create table (...)` writes no file until a row is inserted.
#}
{% macro spark__create_csv_table(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set sql -%}
        create table {{ this.render() }}
        {{ file_format_clause() }}
        as select
        {%- for col_name in agate_table.column_names -%}
            {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
            {%- set type = column_override.get(col_name, inferred_type) %}
            cast(null as {{ type }}) as
                {{ adapter.quote_seed_column(col_name | string, quote_seed_column) }}
            {%- if not loop.last -%},{%- endif -%}
        {%- endfor %}
        where false
    {%- endset -%}
    {%- call statement('_') -%}
        {{ sql }}
    {%- endcall -%}
    {{ return(sql) }}
{% endmacro %}

{#
    Seed rows for dbt-spark's session method, whose own loader formats values into the SQL
    unescaped: a name with an apostrophe breaks the statement and an empty cell arrives as
    the text 'None'. Here every value is a quoted, escaped literal (or null) cast to the
    column's type, so a Spark seed holds what the DuckDB one holds.
#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ spark_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
                ){%- if not loop.last %},{% endif %}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#- A Spark SQL string literal for a seed value (backslash and quote escaped), or null. -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ (value | string) | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
