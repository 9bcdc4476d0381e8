"""Expert labels of real task folders (``tests/judgement/labels/*.yaml``): read, validate, type.

The format and its meaning are in ``tests/judgement/README.md``; ``tests/judgement/label.schema.json``
is the machine-checked half of it (JSON Schema 2020-12). :func:`load_labels` turns every file of a
directory into a :class:`Label`, or raises :class:`LabelError` naming the file and the field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from jsonschema import Draft202012Validator, FormatChecker

from rules.api import load_config
from rules.core.config import ConfigError, ReviewConfig

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "tests" / "judgement" / "label.schema.json"
LABEL_SUFFIXES = (".yaml", ".yml")

Group = Literal["expected", "acceptable", "trap"]
_GROUP_KEYS: tuple[tuple[str, Group], ...] = (("expected", "expected"), ("acceptable", "acceptable"),
                                               ("traps", "trap"))


class LabelError(ValueError):
    """A label file that cannot be used: unreadable, not YAML, or not of the documented format."""


@dataclass(frozen=True, slots=True)
class Place:
    """A line of a file; ``file`` is relative to the labelled folder, ``line`` 1-based."""

    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Entry:
    """One labelled problem (expected), tolerated remark (acceptable) or deliberate non-problem (trap)."""

    id: str
    group: Group
    category: str
    kind: str
    where: tuple[Place, ...]
    what: str
    severity: str | None = None


@dataclass(frozen=True, slots=True)
class Label:
    source: Path
    repo: str
    commit: str
    corpus: str  # "shared" or "extra"
    folder: str  # the task folder, or the doc root holding a loose task's files
    task: str | None  # a loose task's common file prefix (the engine's task name); None for a folder
    today: dt.date
    labeller: str
    split: str  # "tune" or "holdout"
    expert_score: int
    expert_grade: str
    summary: str
    entries: tuple[Entry, ...]
    # the team's configuration for a layout the defaults do not cover (``roots: [.claude/dev-docs/active]``),
    # as it would stand in the repository's .devdocs-review.yml; empty for the defaults
    # (parsed and validated when the label is read); None for the defaults
    config: ReviewConfig | None = None

    @property
    def name(self) -> str:
        return f"{self.repo}:{self.folder}" + (f" ({self.task})" if self.task else "")

    def group(self, group: Group) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.group == group)


@cache
def label_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def label_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise LabelError(f"{directory}: no such label directory")
    return sorted(p for p in directory.iterdir() if p.is_file() and p.suffix in LABEL_SUFFIXES)


def load_labels(directory: Path) -> list[Label]:
    """Every label file of *directory*, validated; the first bad file raises :class:`LabelError`."""
    return [load_label(path) for path in label_files(directory)]


def load_label(path: Path) -> Label:
    data = _plain(_read_yaml(path))
    problems = schema_problems(data)
    if problems:
        raise LabelError(f"{path}: " + "; ".join(problems))
    label = _label(path, data)
    duplicates = sorted({e.id for e in label.entries if [x.id for x in label.entries].count(e.id) > 1})
    if duplicates:
        raise LabelError(f"{path}: entry ids used more than once: {', '.join(duplicates)}")
    return label


def schema_problems(data: object, *, limit: int = 5) -> list[str]:
    """Schema violations of *data*, each as ``field.path: message`` (at most *limit*)."""
    errors = sorted(label_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_dotted(e.absolute_path) or '(top level)'}: {e.message}" for e in errors[:limit]]


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise LabelError(f"{path}: cannot read ({error})") from None
    except yaml.YAMLError as error:
        raise LabelError(f"{path}: not valid YAML ({error})") from None


def _plain(value: object) -> object:
    """YAML's dates as ISO strings, so the JSON Schema sees what a JSON document would hold."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _dotted(path: Iterable[object]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _label(path: Path, data: Any) -> Label:
    expert = data["expert"]
    entries = tuple(_entry(raw, group) for key, group in _GROUP_KEYS for raw in data.get(key) or ())
    return Label(
        source=path, repo=data["repo"], commit=data["commit"], corpus=data["corpus"],
        folder=data["folder"].strip("/"), task=data.get("task"), today=dt.date.fromisoformat(data["today"]),
        labeller=data["labeller"], split=data["split"], expert_score=expert["score"],
        expert_grade=expert["grade"], summary=expert["summary"], entries=entries,
        config=_config(path, data.get("config")),
    )


def _config(path: Path, raw: Mapping[str, Any] | None) -> ReviewConfig | None:
    if not raw:
        return None
    try:
        return load_config(raw, source=f"{path}: config")
    except ConfigError as error:
        raise LabelError(str(error)) from None


def _entry(raw: Any, group: Group) -> Entry:
    where = tuple(Place(p["file"], p["line"]) for p in raw["where"])
    return Entry(id=raw["id"], group=group, category=raw["category"], kind=raw["kind"], where=where,
                 what=" ".join(raw["what"].split()), severity=raw.get("severity"))
