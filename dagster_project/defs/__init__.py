"""defs package."""
