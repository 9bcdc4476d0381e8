"""Repository configuration (``.github/devdocs-review.yml``), validated with pydantic.

Parsing YAML is the shell's job (``bot/configfile.py``); this module validates the resulting
mapping, strictly: the data is validated as JSON in pydantic's strict mode, so ``true`` is not
the integer 1, ``"80"`` is not a number and ``null`` is not a folder name. An unknown key or a bad
value raises :class:`ConfigError` whose messages name the key (``rules.CTX002.max_age_days``), and
so does a config that could review nothing (no doc root, every weight 0, every rule disabled).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from rules.core.discovery import DEFAULT_ACTIVE_ROOTS, DEFAULT_ARCHIVE_ROOTS, DEFAULT_LOOSE_ROOTS, DocRoots
from rules.core.finding import Category, Severity
from rules.core.rule import Rule

SeverityName = Literal["critical", "high", "medium", "low", "info"]

DEFAULT_GRADES: dict[str, int] = {
    "A+": 97, "A": 90, "B+": 85, "B": 83, "B-": 80, "C+": 75, "C": 70, "C-": 65, "D": 60, "F": 0,
}
DEFAULT_WEIGHTS: dict[str, int] = {
    "structure": 10, "plan": 20, "context": 20, "tasks": 20, "consistency": 15, "security": 15,
}


class ConfigError(ValueError):
    """Invalid configuration; ``errors`` holds one line per problem, each naming its key."""

    def __init__(self, errors: list[str], source: str = "config") -> None:
        self.errors = errors
        self.source = source
        super().__init__(f"{source}: " + "; ".join(errors))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleConfig(_Strict):
    """Per-rule settings: ``enabled``, ``severity`` and the rule's own options."""

    model_config = ConfigDict(extra="allow", frozen=True)
    enabled: bool = True
    severity: SeverityName | None = None


_ON = RuleConfig()


class GateConfig(_Strict):
    min_score: Annotated[int, Field(ge=0, le=100)] = 80
    blocking_severities: tuple[SeverityName, ...] = ("critical",)
    block_drafts: bool = False  # GitHub App: drafts are reviewed but never blocked by default
    # GitHub App: a `/review approve` covers the commit that was the head when it was written;
    # true lets it also cover later pushes to the pull request
    approval_survives_push: bool = False


class LimitsConfig(_Strict):
    max_file_bytes: Annotated[int, Field(ge=1024, le=50_000_000)] = 1_048_576
    max_comment_chars: Annotated[int, Field(ge=1000, le=65_536)] = 65_536
    max_annotations: Annotated[int, Field(ge=0, le=1000)] = 200
    stale_after_days: Annotated[int, Field(ge=1, le=3650)] = 14


def _folder(value: str) -> str:
    """``./docs/plans/`` → ``docs/plans``: a root as the engine compares paths (``.`` stays ``.``)."""
    folder = value.strip().strip("/")
    while folder.startswith("./"):
        folder = folder[2:].lstrip("/")
    return folder


class ReviewConfig(_Strict):
    """The whole repository configuration; every field has a default."""

    roots: tuple[str, ...] = DEFAULT_ACTIVE_ROOTS
    archive_roots: tuple[str, ...] = DEFAULT_ARCHIVE_ROOTS
    # folders whose loose plan/context/tasks files directly in them are tasks (``dev/<task>-plan.md``);
    # their sub-folders are not. ``[]`` turns this off.
    loose_roots: tuple[str, ...] = DEFAULT_LOOSE_ROOTS
    rules: dict[str, RuleConfig] = Field(default_factory=dict)
    grades: dict[str, Annotated[int, Field(ge=0, le=100)]] = Field(default_factory=lambda: dict(DEFAULT_GRADES))
    weights: dict[Category, Annotated[int, Field(ge=0, le=100)]] = Field(
        default_factory=lambda: {Category(k): v for k, v in DEFAULT_WEIGHTS.items()}
    )
    gate: GateConfig = GateConfig()
    limits: LimitsConfig = LimitsConfig()

    @field_validator("roots", "archive_roots", "loose_roots", mode="before")
    @classmethod
    def _roots(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = (value,)
        if not isinstance(value, list | tuple):
            return value
        cleaned = tuple(_folder(v) if isinstance(v, str) else v for v in value)
        folders = [v for v in cleaned if isinstance(v, str)]
        if any(not v or v.startswith("..") or "/../" in f"/{v}/" for v in folders):
            raise ValueError("roots must be repository-relative folders without '..'")
        if "." in folders:
            raise ValueError("'.' is the repository root, which holds no task folders of its own; list the folder "
                             "that holds them (e.g. dev/active, or planning for loose files kept in planning/)")
        if len(set(folders)) != len(folders):
            raise ValueError("a folder is listed twice")
        return cleaned

    @field_validator("roots")
    @classmethod
    def _some_root(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise ValueError("no doc root is listed, so nothing would be reviewed; list at least one folder "
                             "(the default is dev/active)")
        return value

    @field_validator("rules", mode="before")
    @classmethod
    def _rules_shorthand(cls, value: Any) -> Any:
        """``CTX002: off`` / ``false`` / ``high`` are shorthands for the full mapping."""
        if not isinstance(value, Mapping):
            return value
        expanded: dict[str, Any] = {}
        for code, entry in value.items():
            if str(code).upper() in expanded:
                raise ValueError(f"{str(code).upper()} is configured twice (rule codes ignore case)")
            if entry is False or (isinstance(entry, str) and entry.lower() in {"off", "disable", "disabled"}):
                expanded[str(code).upper()] = {"enabled": False}
            elif entry is True or (isinstance(entry, str) and entry.lower() == "on"):
                expanded[str(code).upper()] = {}
            elif isinstance(entry, str):
                expanded[str(code).upper()] = {"severity": entry.lower()}
            else:
                expanded[str(code).upper()] = entry
        return expanded

    @field_validator("grades")
    @classmethod
    def _grades(cls, value: dict[str, int]) -> dict[str, int]:
        if not value:
            raise ValueError("the grade scale needs at least one grade")
        if min(value.values()) != 0:
            raise ValueError("the lowest grade must start at 0 so every score has a grade")
        return value

    @field_validator("weights")
    @classmethod
    def _some_weight(cls, value: dict[Category, int]) -> dict[Category, int]:
        if not any(value.values()):
            raise ValueError("every category weighs 0, so every task would score 100; give one a weight")
        return value

    @model_validator(mode="after")
    def _roots_apart(self) -> ReviewConfig:
        both = sorted(set(self.roots) & set(self.archive_roots))
        if both:
            raise ValueError(f"archive_roots: {', '.join(both)} is also in roots (a folder is either reviewed "
                             "and gated or archived)")
        return self

    @model_validator(mode="after")
    def _loose_roots_apart(self) -> ReviewConfig:
        """A loose-only root that is a doc root, or inside one, is an error when the config lists it;
        the default ``dev`` is simply not used then (``roots: [dev]`` already finds loose files in dev)."""
        if "loose_roots" not in self.model_fields_set:
            return self
        kept = self.doc_roots.loose
        clash = [r for r in self.loose_roots if r not in kept]
        if clash:
            raise ValueError(f"loose_roots: {', '.join(clash)} is also in roots or archive_roots, or inside one "
                             "(the doc root already reviews the loose files in it)")
        return self

    @model_validator(mode="after")
    def _known_rules(self, info: ValidationInfo) -> ReviewConfig:
        """``rules.<CODE>`` names a known rule and its options are valid; the rules come from
        :func:`load_config`'s *rules* (the registry, passed in by ``rules.api``)."""
        known: Mapping[str, type[Rule]] | None = (info.context or {}).get("rules")
        if known is None:
            return self
        errors = []
        for code, entry in self.rules.items():
            rule = known.get(code)
            if rule is None:
                errors.append(f"rules.{code}: unknown rule code (see `devdocs-review rules`)")
                continue
            try:
                rule.Options.model_validate_json(json.dumps(entry.model_extra or {}), strict=True)
            except ValidationError as error:
                errors.extend(_messages(error, f"rules.{code}"))
        if not errors and all(not self.rules.get(code, _ON).enabled for code in known):
            errors.append("rules: every rule is disabled, so nothing would be reviewed")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    @property
    def doc_roots(self) -> DocRoots:
        """Every root the engine reads, for the shell: the doc and archive roots, and the loose-only roots."""
        return DocRoots((*self.roots, *self.archive_roots), self.loose_roots)

    @property
    def blocking(self) -> frozenset[Severity]:
        return frozenset(Severity.parse(s) for s in self.gate.blocking_severities)

    def rule_options(self, code: str) -> dict[str, Any]:
        entry = self.rules.get(code)
        return dict(entry.model_extra or {}) if entry else {}

    def digest(self) -> str:
        """Short stable hash of the effective configuration (for the reproducibility stamp)."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def _messages(error: ValidationError, prefix: str = "") -> list[str]:
    lines = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"] if not str(part).startswith("function-after["))
        key = ".".join(p for p in (prefix, location) if p)
        message = str(item["msg"]).removeprefix("Value error, ")
        if str(item["type"]).endswith("_type") and "input" in item:
            message += f", got {_shown(item['input'])}"
        if "\n" in message:  # nested errors from _known_rules already name their keys
            lines.extend(message.splitlines())
        else:
            lines.append(f"{key}: {message}" if key else message)
    return lines


def _shown(value: object) -> str:
    """A value as the config author wrote it (JSON spelling), cut short."""
    text = json.dumps(value, default=repr)
    return text if len(text) <= 40 else text[:39] + "…"


def load_config(data: Mapping[str, Any] | None, *, source: str = "config",
                rules: Mapping[str, type[Rule]] | None = None) -> ReviewConfig:
    """Validate a parsed config mapping (``None`` or empty gives the defaults).

    The mapping is plain data (what YAML or JSON gives); it is validated as JSON in strict mode.
    *rules* (code → rule class: the registry) checks ``rules.<CODE>`` entries and their options;
    ``rules.api.load_config`` passes it."""
    if data is None:
        return ReviewConfig()
    if not isinstance(data, Mapping):
        raise ConfigError([f"(top level): the top level must be a mapping (keys such as roots, gate, rules), "
                           f"got {_kind(data)}"], source)
    try:
        text = json.dumps(dict(data))
    except (TypeError, ValueError) as error:  # not plain data: a caller's bug (YAML gives plain data)
        raise ConfigError([f"(top level): not plain data: {error}"], source) from None
    try:
        return ReviewConfig.model_validate_json(text, strict=True, context={"rules": rules})
    except ValidationError as error:
        raise ConfigError(_messages(error), source) from None


def _kind(value: object) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number", bool: "a boolean"}.get(
        type(value), type(value).__name__)
