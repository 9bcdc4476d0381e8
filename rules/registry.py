"""The explicit, ordered list of every rule. Adding a rule: one module, one line here, fixtures."""

from __future__ import annotations

import hashlib

from rules.core.rule import Rule
from rules.structure.str001_missing_plan_file import MissingPlanFile

ALL_RULES: tuple[type[Rule], ...] = (
    MissingPlanFile,
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

# Changes whenever a rule is added, removed, renamed or re-graded: part of the review stamp.
RULES_VERSION = f"{len(ALL_RULES)}-" + hashlib.sha256(
    "|".join(f"{r.code}:{r.name}:{r.severity.name}:{r.category}" for r in ALL_RULES).encode()
).hexdigest()[:8]


def default_rules() -> list[Rule]:
    return [rule_cls() for rule_cls in ALL_RULES]
