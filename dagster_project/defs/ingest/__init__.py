"""defs/ingest package."""
