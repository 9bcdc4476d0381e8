"""Structure rules. `RULES` lists them in order; rules/registry.py concatenates every category."""

from __future__ import annotations

from rules.core.rule import Rule
from rules.structure.str001_missing_plan_file import MissingPlanFile

RULES: tuple[type[Rule], ...] = (
    MissingPlanFile,
)
