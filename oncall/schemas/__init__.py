"""Request and response models shared by the API, the CLI and the UI (pydantic)."""
