"""Structure rules (files, naming, lifecycle, encoding), waivers and links.

`RULES` lists them in order; rules/registry.py concatenates every category.
"""

from __future__ import annotations

from rules.core.rule import Rule
from rules.structure.str001_missing_plan_file import MissingPlanFile
from rules.structure.str002_missing_context_file import MissingContextFile
from rules.structure.str003_missing_tasks_file import MissingTasksFile

RULES: tuple[type[Rule], ...] = (
    MissingPlanFile,
    MissingContextFile,
    MissingTasksFile,
)
