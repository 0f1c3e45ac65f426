"""Reports over a period: SQL aggregates where the database can do it, streaming where it cannot."""
