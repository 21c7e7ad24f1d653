"""The indicator family's landed tables: the register, its target parts and the results."""

from dagster import AssetKey, AssetSpec

from dagster_project.lib.families import FAMILY_TABLES

FAMILY = "indicators"

DESCRIPTIONS = {
    "indicator": "Indicator register rows (Resolution 57/71 indicators and their targets as "
                 "written), one per indicator per received register file.",
    "indicator_target": "Target parts read from register rows (comparator, value(s), unit, "
                        "scope, target year), one per part per register file.",
    "indicator_actual": "Indicator results, one per indicator, period and scope per received "
                        "report; 'Chưa có số liệu' kept as no data, not zero.",
}

SPECS = [
    AssetSpec(AssetKey([FAMILY, table]), group_name="ingest", description=DESCRIPTIONS[table],
              kinds={"parquet"})
    for table in FAMILY_TABLES[FAMILY]
]
