{#
    The rows of a staged table that come from current files: a file superseded by a
    corrected resubmission (see int_submissions_current) leaves the marts as a whole, while
    its rows stay queryable in staging. Every family's "latest report" model starts here.
#}
{% macro current_submission_rows(relation) %}
    select staged.*
    from {{ relation }} as staged
    inner join {{ ref('int_submissions_current') }} as submissions
        on staged.file_sha256 = submissions.file_sha256
    where submissions.is_current
{% endmacro %}
