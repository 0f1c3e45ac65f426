"""The escalation engine: a tick that advances due incidents and sends the outbox."""
