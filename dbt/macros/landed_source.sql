{#
    Landed data is Parquet under the home (NQ57_HOME), and each engine reads it its own way.
    A source declares its files once, relative to the home, in `meta.landed_path` ({name} is
    the table's name): a folder of landing batches (any depth), or one Parquet file.
    `source()` then resolves, per adapter, to
      DuckDB - read_parquet over the folder's files, union_by_name: batches landed before a
               column was added read it as null;
      Spark  - an external table in the catalog's `landing` database that
               `create_landed_tables` (on-run-start) declares anew over the same files on
               every run, so that it sees the batches and columns landed since, with
               mergeSchema for union_by_name's effect. (Staging views are persistent and
               cannot read temporary views.) Dropping it leaves the files alone.
    At parse time (no graph yet) it is dbt's own source, which records the lineage.
#}
{% macro source(source_name, table_name) %}
    {%- set relation = builtins.source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set node = graph.sources['source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name] -%}
    {{ return(adapter.dispatch('landed_source', 'nq57')(node)) }}
{% endmacro %}

{% macro default__landed_source(node) %}
    {{ exceptions.raise_compiler_error(
        "landed sources are read by DuckDB or Spark, not " ~ adapter.type()) }}
{% endmacro %}

{% macro duckdb__landed_source(node) %}
    {%- set path = landed_path(node) -%}
    {%- if path.endswith('.parquet') -%}
        {{ return("read_parquet('" ~ path ~ "')") }}
    {%- else -%}
        {{ return("read_parquet('" ~ path ~ "/**/*.parquet', union_by_name = true)") }}
    {%- endif -%}
{% endmacro %}

{% macro spark__landed_source(node) %}
    {{ return(api.Relation.create(schema='landing', identifier=landed_table_name(node),
                                  type='table')) }}
{% endmacro %}

{% macro landed_table_name(node) -%}
    {{ node.source_name }}__{{ node.name }}
{%- endmacro %}

{#- The source table's files: its `landed_path` under the home, {name} filled in. -#}
{% macro landed_path(node) -%}
    {%- set meta = {} -%}
    {%- do meta.update(node.source_meta or {}) -%}
    {%- do meta.update(node.meta or {}) -%}
    {%- if 'landed_path' not in meta -%}
        {{ exceptions.raise_compiler_error(
            "source " ~ node.source_name ~ "." ~ node.name ~ " has no meta.landed_path") }}
    {%- endif -%}
    {{ env_var('NQ57_HOME') }}/{{ meta['landed_path'] | replace('{name}', node.name) }}
{%- endmacro %}

{#- on-run-start: the tables a Spark catalog reads the sources through; nothing elsewhere. -#}
{% macro create_landed_tables() %}
    {{ return(adapter.dispatch('create_landed_tables', 'nq57')()) }}
{% endmacro %}

{% macro default__create_landed_tables() %}
    {{ return('') }}
{% endmacro %}

{% macro spark__create_landed_tables() %}
    {%- if execute -%}
        {%- call statement('landing_database') -%}
            create database if not exists landing
        {%- endcall -%}
        {%- for node in graph.sources.values() if node.package_name == project_name -%}
            {%- call statement('drop_landed_' ~ loop.index) -%}
                drop table if exists landing.{{ landed_table_name(node) }}
            {%- endcall -%}
            {%- call statement('create_landed_' ~ loop.index) -%}
                create table landing.{{ landed_table_name(node) }}
                using parquet
                options (
                    path '{{ landed_path(node) }}',
                    recursiveFileLookup 'true',
                    pathGlobFilter '*.parquet',
                    mergeSchema 'true'
                )
            {%- endcall -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
