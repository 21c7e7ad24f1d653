"""nq57: ingest agency submissions, build the Resolution 57 warehouse, gate and publish."""

import os

# Nothing leaves the machine. Set when the package is imported, before any entry point runs,
# so that every dbt the product starts inherits it: in-process (the manifest parse), as a
# subprocess (the dbt build) and in the `nq57 check` workers. DO_NOT_TRACK is the variable
# dbt honours above all its own settings: it then sends dbt Labs no anonymous usage events
# and writes no user id (.user.yml). Assigned, not defaulted, because a DO_NOT_TRACK=0 left
# in a shell must not turn tracking back on. The dbt project turns the events off too
# (`flags: send_anonymous_usage_stats: false` in dbt_project.yml), and Dagster's telemetry
# is off in every home's dagster.yaml (lib/paths.py).
os.environ["DO_NOT_TRACK"] = "1"
