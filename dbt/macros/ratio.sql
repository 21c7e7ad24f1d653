{#
    A share as a double, null when the base is null or zero: "no rate" stays distinct from
    a rate of 0 (a body with no dossiers of a kind has no digitisation rate, not 0%).
#}
{% macro ratio(numerator, base) %}
    cast({{ numerator }} as double) / nullif({{ base }}, 0)
{% endmacro %}
