"""Consistency rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.consistency.con001_item_status_conflict import ItemStatusConflict
from rules.consistency.con002_progress_claim_mismatch import ProgressClaimMismatch
from rules.core.rule import Rule

RULES: tuple[type[Rule], ...] = (
    ItemStatusConflict,
    ProgressClaimMismatch,
)
