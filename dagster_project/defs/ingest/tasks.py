"""The task family's landed tables: the task register, plan tables and monthly progress reports."""

FAMILY = "tasks"

DESCRIPTIONS = {
    "register": "Task register rows, one per task per received register file.",
    "register_agencies": "Agencies named in register rows (lead / coordinating).",
    "plan_item": "Task rows of plan documents sent as tables (no codes yet).",
    "plan_item_agencies": "Agencies named in plan rows (lead / coordinating).",
    "progress_report": "Progress-report rows, one per task per report file.",
}
