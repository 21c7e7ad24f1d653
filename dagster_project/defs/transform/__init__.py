"""defs/transform package."""
