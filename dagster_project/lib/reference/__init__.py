"""Reference data: agencies, administrative units, reporting periods."""
