"""The `hardship` command and the operator tools behind it (run, migrate, demo, imports, parked events)."""
