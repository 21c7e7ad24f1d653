"""The publication gate: rules, audits, reviews and their reports."""
