"""The explicit, ordered list of every rule, category by category.

Adding a rule: one module under ``rules/<category>/``, one line in that package's ``RULES``,
good and bad fixtures under ``tests/rules/fixtures/<CODE>/``.
"""

from __future__ import annotations

import hashlib

from rules import consistency, context, plan, security, story, structure, tasks
from rules.core.rule import Rule

ALL_RULES: tuple[type[Rule], ...] = (
    *structure.RULES,
    *plan.RULES,
    *context.RULES,
    *tasks.RULES,
    *consistency.RULES,
    *story.RULES,
    *security.RULES,
)

RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}

# Changes whenever a rule is added, removed, renamed or re-graded: part of the review stamp.
RULES_VERSION = f"{len(ALL_RULES)}-" + hashlib.sha256(
    "|".join(f"{r.code}:{r.name}:{r.severity.name}:{r.category}" for r in ALL_RULES).encode()
).hexdigest()[:8]


def default_rules() -> list[Rule]:
    return [rule_cls() for rule_cls in ALL_RULES]
