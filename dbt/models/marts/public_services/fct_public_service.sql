-- One row per body and month from the national public-service portal: the dossier counts
-- behind each rate and the rates themselves (shares 0–1; null = no figure or no dossiers of
-- the kind, never 0). Level: ministry (bộ, ngành), province (địa phương) or central.
with

reports as (

    select * from {{ ref('int_public_service_reports_current') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

final as (

    select
        reports.agency_id,
        agencies.current_agency_id,
        case agencies.kind
            when 'ministry' then 'ministry'
            when 'province' then 'province'
            else 'central'
        end as service_level,
        reports.reporting_month,
        reports.reporting_agency_id,
        reports.as_of_date,
        reports.digitisation_base,
        reports.reuse_base,
        reports.dossiers_resolved,
        reports.payment_base,
        reports.dossiers_received,
        reports.dossiers_online,
        reports.dossiers_digitised,
        reports.dossiers_reused,
        reports.results_electronic,
        reports.dossiers_paid_online,
        {{ ratio('reports.dossiers_online', 'reports.dossiers_received') }} as online_rate,
        {{ ratio('reports.dossiers_digitised', 'reports.digitisation_base') }}
            as digitisation_rate,
        {{ ratio('reports.dossiers_reused', 'reports.reuse_base') }} as reuse_rate,
        {{ ratio('reports.results_electronic', 'reports.dossiers_resolved') }} as e_result_rate,
        {{ ratio('reports.dossiers_paid_online', 'reports.payment_base') }}
            as online_payment_rate,
        reports.note,
        reports.file_sha256

    from reports
    inner join agencies
        on reports.agency_id = agencies.agency_id

)

select * from final
