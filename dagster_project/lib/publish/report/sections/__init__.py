"""One module per subject area of the scorecard: its queries, measures, tables and charts.

Each subject module reads its marts (``fetch`` through a DuckDB connection), turns a body's
figures into the method's measures, and builds what the reader sees: ``headline_rows`` for
the national table, then its own tables and charts. ``ranking`` and ``annex`` show the method's
scores and the method itself.
"""
