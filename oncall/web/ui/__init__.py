"""The managers' web UI (server-rendered)."""
