"""The nq57 home: where things live, one writer, faults, backup and verify."""
