"""tasks rules."""
