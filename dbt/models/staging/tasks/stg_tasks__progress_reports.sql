with

source as (

    select * from {{ source('tasks', 'progress_report') }}

),

renamed as (

    select
        task_code as task_id,
        {{ lineage_columns() }},
        reporting_agency_id,
        reporting_month,
        as_of_date,
        task_group,
        task_name as reported_task_name,
        status as reported_status,
        status_text as reported_status_text,
        completion_date,
        product,
        evidence,
        difficulties

    from source

)

select * from renamed
