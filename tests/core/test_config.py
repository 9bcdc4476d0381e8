"""Repository config: defaults, shorthands, and errors that name the key."""

from __future__ import annotations

import pytest

from bot.configfile import parse_config_text
from rules.core.config import ConfigError, ReviewConfig, load_config
from rules.core.finding import Severity


def test_defaults_without_a_config() -> None:
    config = load_config(None)

    assert config.roots == ("dev/active",)
    assert config.gate.min_score == 80
    assert config.blocking == frozenset({Severity.CRITICAL})


def test_yaml_with_shorthands_and_rule_options() -> None:
    config = parse_config_text(
        "roots: [dev/active, docs/plans/]\n"
        "gate: {min_score: 70, blocking_severities: [critical, high]}\n"
        "rules:\n  str001: off\n"
    )

    assert config.roots == ("dev/active", "docs/plans")
    assert config.gate.min_score == 70
    assert not config.rules["STR001"].enabled
    assert config.blocking == frozenset({Severity.CRITICAL, Severity.HIGH})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gate: {min_score: 120}\n", "gate.min_score: Input should be less than or equal to 100"),
        ("gate: {minimum: 70}\n", "gate.minimum: Extra inputs are not permitted"),
        ("colour: blue\n", "colour: Extra inputs are not permitted"),
        ("rules: {XYZ999: off}\n", "rules.XYZ999: unknown rule code"),
        ("rules: {STR001: {severity: urgent}}\n", "rules.STR001.severity"),
        ("rules: {STR001: {max_lines: 3}}\n", "rules.STR001.max_lines: Extra inputs are not permitted"),
        ("roots: [../outside]\n", "roots"),
        ("grades: {A: 90, B: 80}\n", "grades: the lowest grade must start at 0"),
        ("gate: [1, 2\n", "invalid YAML at line"),
        ("- just\n- a list\n", "top level must be a mapping"),
    ],
)
def test_bad_config_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text, source=".github/devdocs-review.yml")

    assert any(message in line for line in caught.value.errors), caught.value.errors
    assert str(caught.value).startswith(".github/devdocs-review.yml: ")


def test_config_digest_is_stable_and_changes_with_content() -> None:
    assert ReviewConfig().digest() == load_config({}).digest()
    assert ReviewConfig().digest() != load_config({"gate": {"min_score": 70}}).digest()
