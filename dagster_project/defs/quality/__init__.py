"""defs/quality package."""
