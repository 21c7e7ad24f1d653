{#
    dbt.dateadd on Spark as Spark's own timestampadd: dbt-spark's version goes through unix
    seconds and to_timestamp, which returns null once `timestamp` means TIMESTAMP_NTZ (the
    profile's setting, as in DuckDB). Month steps keep the day or fall to the month's last
    day, as DuckDB's date + interval does; the result is a timestamp on both engines.
#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})
{%- endmacro %}
