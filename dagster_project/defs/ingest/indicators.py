"""The indicator family's landed tables: the register, its target parts and the results."""

FAMILY = "indicators"

DESCRIPTIONS = {
    "indicator": "Indicator register rows (Resolution 57/71 indicators and their targets as "
                 "written), one per indicator per received register file.",
    "indicator_target": "Target parts read from register rows (comparator, value(s), unit, "
                        "scope, target year), one per part per register file.",
    "indicator_actual": "Indicator results, one per indicator, period and scope per received "
                        "report; 'Chưa có số liệu' kept as no data, not zero.",
}
