{#
    The columns that trace a staged row back to what was landed, named the same in every
    staging model so any figure can be followed to its file, sheet and row:
      'row'  - a row read from a sheet: file, sheet, row number, receipt time and the cell
               text as submitted wherever normalisation changed it (original_values);
               original_values=false where the source keeps no cell text (quarantine);
      'file' - one row per landed file: its hash, name and receipt time;
      'key'  - rows split out of a landed row (target parts, agency lists): the file hash,
               the parent row giving the rest.
#}
{% macro lineage_columns(grain='row', original_values=true) -%}
    {%- set by_grain = {
        'row': ['file_sha256', 'file_name', 'sheet_name', 'row_number as source_row_number',
                'received_at'] + (['original_values'] if original_values else []),
        'file': ['file_sha256', 'file_name', 'received_at'],
        'key': ['file_sha256'],
    } -%}
    {%- if grain not in by_grain -%}
        {{ exceptions.raise_compiler_error(
            "lineage_columns: grain must be 'row', 'file' or 'key', not '" ~ grain ~ "'") }}
    {%- endif -%}
    {{ by_grain[grain] | join(', ') }}
{%- endmacro %}
