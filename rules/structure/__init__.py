"""structure rules."""
