"""nq57: ingest agency submissions, build the Resolution 57 warehouse, gate and publish."""
