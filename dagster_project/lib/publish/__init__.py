"""Releases of a quarter and the pages rendered into them."""
