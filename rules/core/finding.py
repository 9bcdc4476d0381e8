"""Severity, category and the Finding value every rule yields."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, replace

from rules.core.model import Role


class Severity(enum.IntEnum):
    """Ordered, so reports can sort and gates can threshold on it."""

    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls[value.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of {names})") from None


class Category(enum.StrEnum):
    STRUCTURE = "structure"
    PLAN = "plan"
    CONTEXT = "context"
    TASKS = "tasks"
    CONSISTENCY = "consistency"
    SECURITY = "security"


# The category of each core file's findings (a stale plan line is a plan problem).
ROLE_CATEGORY: dict[Role, Category] = {
    Role.PLAN: Category.PLAN, Role.CONTEXT: Category.CONTEXT, Role.TASKS: Category.TASKS,
}


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the repository: a file and a 1-based line. ``path`` is an identity (like
    :attr:`Finding.path`), never quoted document text, so redaction leaves it as it is."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, anchored to a file and a 1-based line, with what to do about it.

    ``key`` distinguishes two findings of the same rule in the same file without using the
    line number, so the fingerprint survives edits that shift lines.

    ``related`` are the other places of the same problem: the second side of a contradiction, or
    every further occurrence of the same evidence (the engine groups those). They do not enter the
    fingerprint, so a finding keeps its fingerprint (and its waivers) when places are added.
    """

    rule: str
    name: str
    severity: Severity
    category: Category
    task: str  # task path, e.g. "dev/active/auth"
    path: str
    line: int
    message: str
    fix: str
    effort_minutes: int
    key: str = ""
    penalty: int | None = None  # explicit deduction (e.g. 100 for a missing file); None: by severity
    waived: bool = False
    waiver_reason: str | None = None
    points: int = 0  # points actually deducted, filled in by scoring
    related: tuple[Location, ...] = ()  # the problem's other places (the primary is path:line)

    @property
    def fingerprint(self) -> str:
        raw = "\x1f".join((self.rule, self.task, self.path, self.key or self.message))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]

    @property
    def location(self) -> Location:
        return Location(self.path, self.line)

    @property
    def locations(self) -> tuple[Location, ...]:
        """Every place of this finding: the primary first, then the related ones."""
        return (self.location, *self.related)

    def sort_key(self) -> tuple[int, str, int, str]:
        return (-self.severity, self.path, self.line, self.rule)

    def with_changes(self, **changes: object) -> Finding:
        return replace(self, **changes)  # type: ignore[arg-type]

    def in_role_category(self, role: Role) -> Finding:
        """This finding under the category of a file of *role* (a stale plan line is a plan problem);
        unchanged for a file without a category of its own (an extra such as a README)."""
        category = ROLE_CATEGORY.get(role)
        return self.with_changes(category=category) if category is not None else self
