"""The REST API (DESIGN §5)."""
