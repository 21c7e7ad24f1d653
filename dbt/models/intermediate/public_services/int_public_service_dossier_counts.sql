-- The portal's monthly counts, counted from dossier-level exports: one row per file, body and
-- month received, with the same columns as a portal export's row, so the two sources meet in
-- int_public_service_reports_current. A flag counts only with its base flag (landing
-- quarantines a dossier with one but not the other); a dossier counts in the month it was
-- received, for every rate.
--
-- Incremental by file: a landed export never changes (its SHA-256 names it), so a build
-- counts only the exports it has not counted yet and appends their rows. Tens of millions
-- of dossiers a year are read once, not on every monthly run. Which files are current (a
-- reviewer may set one aside) is decided downstream, so no counted row ever needs redoing.
-- `append` is a strategy dbt-duckdb and dbt-spark both support.
{{ config(materialized='incremental', incremental_strategy='append') }}
-- depends_on: {{ ref('stg_ingest__submissions') }}

with

dossiers as (

    select * from {{ ref('stg_public_services__dossiers') }}

),

{% if is_incremental() %}
    new_files as (

        select distinct file_sha256
        from {{ ref('stg_ingest__submissions') }}
        where file_sha256 not in (select distinct counted.file_sha256 from {{ this }} as counted)

    ),
{% endif %}

counted as (

    select
        file_sha256,
        received_at,
        agency_id,
        reporting_month,
        cast(count(*) as bigint) as dossiers_received,
        cast(sum(case when channel = 'online' then 1 else 0 end) as bigint) as dossiers_online,
        cast(sum(case when is_digitisation_due then 1 else 0 end) as bigint) as digitisation_base,
        cast(sum(case when is_digitisation_due and is_digitised then 1 else 0 end) as bigint)
            as dossiers_digitised,
        cast(sum(case when is_reuse_eligible then 1 else 0 end) as bigint) as reuse_base,
        cast(sum(case when is_reuse_eligible and is_data_reused then 1 else 0 end) as bigint)
            as dossiers_reused,
        cast(sum(case when is_resolved then 1 else 0 end) as bigint) as dossiers_resolved,
        cast(sum(case when is_resolved and is_result_electronic then 1 else 0 end) as bigint)
            as results_electronic,
        cast(sum(case when is_fee_bearing then 1 else 0 end) as bigint) as payment_base,
        cast(sum(case when is_fee_bearing and is_paid_online then 1 else 0 end) as bigint)
            as dossiers_paid_online

    from dossiers
    {% if is_incremental() %}
        where file_sha256 in (select new_files.file_sha256 from new_files)
    {% endif %}
    group by file_sha256, received_at, agency_id, reporting_month

)

select * from counted
