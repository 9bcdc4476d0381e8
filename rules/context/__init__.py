"""context rules."""
