{#
    The files that stand for each value of `partition_by` (e.g. fiscal year and as-of date):
    the most recently received file wins as a whole, so a re-export or correction for the
    same date replaces the earlier file rather than mixing rows of both. Used by exports
    that are full snapshots to a date rather than monthly reports (those are superseded in
    int_submissions_current). Returns one column, file_sha256.
#}
{% macro latest_files(relation, partition_by) %}
    select ranked_files.file_sha256
    from (
        select
            files.file_sha256,
            row_number() over (
                partition by {{ partition_by | join(', ') }}
                order by files.received_at desc, files.file_sha256 desc
            ) as file_rank
        from (
            select distinct
                file_sha256,
                {{ partition_by | join(', ') }},
                received_at
            from {{ relation }}
        ) as files
    ) as ranked_files
    where ranked_files.file_rank = 1
{% endmacro %}
