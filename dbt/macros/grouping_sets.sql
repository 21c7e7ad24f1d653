{#
    `grouping sets` over `sets`, each also grouped by the `common` columns: every set is
    written out in full, the ANSI form that DuckDB and Spark SQL both read (mixing plain
    columns with `grouping sets` in one `group by` needs Spark 3.2 or later).
    grouping_sets(['year'], [['pillar'], []]) -> grouping sets ((year, pillar), (year))
#}
{% macro grouping_sets(common, sets) -%}
    grouping sets (
    {%- for set in sets %}
        ({{ (common + set) | join(', ') }}){{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}
