"""defs/publish package."""
