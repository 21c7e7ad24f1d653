"""The national-database (CSDL) family's landed tables: the registry and status exports."""

from dagster import AssetKey, AssetSpec

from dagster_project.lib.families import FAMILY_TABLES

FAMILY = "csdl"

DESCRIPTIONS = {
    "csdl_registry": "Database registry rows (12 Plan-02, 104 Resolution-11 databases and their "
                     "owners), one per database per received registry file.",
    "csdl_status": "Database status rows (criteria met of 19, reconciled, synced), one per "
                   "database per received status export.",
}

SPECS = [
    AssetSpec(AssetKey([FAMILY, table]), group_name="ingest", description=DESCRIPTIONS[table],
              kinds={"parquet"})
    for table in FAMILY_TABLES[FAMILY]
]
