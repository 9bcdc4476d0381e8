"""plan rules."""
