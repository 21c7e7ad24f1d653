"""The budget family's landed tables: allocation and disbursement exports (tỷ đồng)."""

FAMILY = "budget"

DESCRIPTIONS = {
    "budget_allocation": "Ministry of Finance allocation rows: one per body and pillar per "
                         "export (total, allocated, assigned estimate, tỷ đồng).",
    "budget_disbursement": "State Treasury disbursement rows: one per body or commune and "
                           "pillar per export (disbursed, tỷ đồng; blank = no figure).",
}
