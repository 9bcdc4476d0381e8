"""Repository config file (``.github/devdocs-review.yml``): YAML text → validated ReviewConfig.

The CLI reads it from the checkout; the GitHub App reads it from the base branch.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rules.core.config import ConfigError, ReviewConfig, load_config

CONFIG_PATH = ".github/devdocs-review.yml"
ALTERNATE_PATHS = (".github/devdocs-review.yaml", ".devdocs-review.yml")


def parse_config_text(text: str, source: str = CONFIG_PATH) -> ReviewConfig:
    """Parse and validate config text; raises ConfigError naming the key or the YAML position."""
    try:
        data = yaml.safe_load(text) if text.strip() else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise ConfigError([f"invalid YAML{where}: {problem}"], source) from None
    return load_config(data, source=source)


def find_config_file(repo_root: Path) -> Path | None:
    for relative in (CONFIG_PATH, *ALTERNATE_PATHS):
        candidate = repo_root / relative
        if candidate.is_file():
            return candidate
    return None


def load_config_file(path: Path) -> ReviewConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError([f"cannot read config: {error}"], str(path)) from None
    return parse_config_text(text, source=str(path))
