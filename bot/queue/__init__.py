"""Durable hand-off between the webhook receiver and the workers (see base.py for the contract)."""
