"""The national-database (CSDL) family's landed tables: the registry and status exports."""

FAMILY = "csdl"

DESCRIPTIONS = {
    "csdl_registry": "Database registry rows (12 Plan-02, 104 Resolution-11 databases and their "
                     "owners), one per database per received registry file.",
    "csdl_status": "Database status rows (criteria met of 19, reconciled, synced), one per "
                   "database per received status export.",
}
