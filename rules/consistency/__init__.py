"""Consistency rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.consistency.con001_item_status_conflict import ItemStatusConflict
from rules.consistency.con002_progress_claim_mismatch import ProgressClaimMismatch
from rules.consistency.con003_phase_coverage_mismatch import PhaseCoverageMismatch
from rules.consistency.con004_last_updated_dates_diverge import LastUpdatedDatesDiverge
from rules.core.rule import Rule

RULES: tuple[type[Rule], ...] = (
    ItemStatusConflict,
    ProgressClaimMismatch,
    PhaseCoverageMismatch,
    LastUpdatedDatesDiverge,
)
