"""Rebuild the demo's committed data from the seed documents (run by hand, never shipped).

The demo generator reads ``demo/data/seed_tasks.csv`` only; these modules read the seed folder
(``/work/shared/seeds``-style text exports) and write that file when the seeds change:
``python -m scripts.seeds.seed_tasks <seeds-dir>`` from the repository root.
"""
