"""Context rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.context.ctx001_missing_last_updated import MissingLastUpdated
from rules.context.ctx002_stale_context import StaleContext
from rules.context.ctx003_missing_current_state import MissingCurrentState
from rules.context.ctx004_missing_next_steps import MissingNextSteps
from rules.context.ctx005_blocker_without_section import BlockerWithoutSection
from rules.context.ctx006_context_too_long import ContextTooLong
from rules.context.ctx007_oversized_section import OversizedSection
from rules.context.ctx008_duplicated_paragraph import DuplicatedParagraph
from rules.core.rule import Rule

RULES: tuple[type[Rule], ...] = (
    MissingLastUpdated,
    StaleContext,
    MissingCurrentState,
    MissingNextSteps,
    BlockerWithoutSection,
    ContextTooLong,
    OversizedSection,
    DuplicatedParagraph,
)
