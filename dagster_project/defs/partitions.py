"""The quarters a run can gate and publish: one static partition per quarter."""

from datetime import date

from dagster import StaticPartitionsDefinition

from dagster_project.lib.reference.periods import quarters_through

QUARTERS = StaticPartitionsDefinition(quarters_through(date.today()))
PARTITION_TAG = "dagster/partition"  # the run tag that names the run's quarter
