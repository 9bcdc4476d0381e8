"""Repository config: defaults, shorthands, and errors that name the key."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.review.configfile import MAX_CONFIG_BYTES, load_config_file, parse_config_bytes, parse_config_text
from rules.core.config import ConfigError, ReviewConfig, load_config
from rules.core.finding import Severity
from rules.registry import ALL_RULES


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
    assert parse_config_text("roots: [./docs/active, .//planning/]\n").roots == ("docs/active", "planning")
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
        ("roots: [.]\n", "roots: '.' is the repository root, which holds no task folders of its own"),
        ("roots: [./]\n", "roots: '.' is the repository root"),
        ("loose_roots: [.]\n", "loose_roots: '.' is the repository root"),
        ("grades: {A: 90, B: 80}\n", "grades: the lowest grade must start at 0"),
        ("gate: [1, 2\n", "invalid YAML at line"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("just words\n", "top level must be a mapping (keys such as roots, gate, rules), got a string"),
        ("gate: {min_score: true}\n", "gate.min_score: Input should be a valid integer, got true"),
        ("gate: {min_score: '80'}\n", 'gate.min_score: Input should be a valid integer, got "80"'),
        ("gate: {min_score: 80.5}\n", "gate.min_score: Input should be a valid integer"),
        ("gate: {block_drafts: 'yes'}\n", "gate.block_drafts: Input should be a valid boolean"),
        ("rules: {CTX002: {max_age_days: true}}\n", "rules.CTX002.max_age_days: Input should be a valid integer"),
        ("rules: {STR001: {enabled: 1}}\n", "rules.STR001.enabled: Input should be a valid boolean"),
        ("rules: {ctx002: off, CTX002: high}\n", "rules: CTX002 is configured twice"),
        ("roots: []\n", "roots: no doc root is listed, so nothing would be reviewed"),
        ("roots: [null]\n", "roots.0: Input should be a valid string, got null"),
        ("roots: [7]\n", "roots.0: Input should be a valid string, got 7"),
        ("roots: [dev/active, dev/active/]\n", "roots: a folder is listed twice"),
        ("archive_roots: [dev/active]\n", "archive_roots: dev/active is also in roots"),
        ("loose_roots: [../dev]\n", "loose_roots: roots must be repository-relative folders"),
        ("loose_roots: [dev, dev/]\n", "loose_roots: a folder is listed twice"),
        ("loose_roots: [null]\n", "loose_roots.0: Input should be a valid string, got null"),
        ("loose_roots: true\n", "loose_roots: Input should be a valid array"),
        ("loose_roots: [dev/active]\n", "loose_roots: dev/active is also in roots or archive_roots, or inside one"),
        ("roots: [docs]\nloose_roots: [docs/plans]\n", "loose_roots: docs/plans is also in roots"),
        ("weights: {}\n", "weights: every category weighs 0"),
        ("weights: {plan: 0, tasks: 0}\n", "weights: every category weighs 0"),
    ],
)
def test_bad_config_errors_name_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text, source=".github/devdocs-review.yml")

    assert any(message in line for line in caught.value.errors), caught.value.errors
    assert str(caught.value).startswith(".github/devdocs-review.yml: ")


def test_loose_roots_default_to_dev_and_can_be_moved_or_turned_off() -> None:
    default = load_config(None)
    moved = parse_config_text("loose_roots: plans/\n")
    off = parse_config_text("loose_roots: []\n")
    dev_as_root = parse_config_text("roots: [dev]\n")  # the default dev is then simply not a loose root

    assert default.loose_roots == ("dev",) and default.doc_roots.loose == ("dev",)
    assert moved.loose_roots == ("plans",)
    assert off.loose_roots == () and off.doc_roots.loose == ()
    assert dev_as_root.doc_roots.loose == ()
    assert default.doc_roots.folders == ("dev/active", "dev/archive", "dev/archived", "dev/completed", "dev/complete",
                                         "dev/done")
    assert len({default.digest(), off.digest()}) == 2


def test_config_digest_is_stable_and_changes_with_content() -> None:
    assert ReviewConfig().digest() == load_config({}).digest()
    assert ReviewConfig().digest() != load_config({"gate": {"min_score": 70}}).digest()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("gate:\n  min_score: 50\n  min_score: 90\n",
         "gate.min_score: duplicate key (line 3, column 3) (first at line 2)"),
        ("roots: [a]\nroots: [b]\n", "roots: duplicate key"),
        ("rules:\n  CTX002: {max_age_days: 3, max_age_days: 4}\n", "rules.CTX002.max_age_days: duplicate key"),
        ("base: &b {min_score: 50}\ngate: *b\n", "line 1, column 7: YAML anchors (&b) are not allowed"),
        ("gate: *b\n", "line 1, column 7: YAML aliases (*b) are not allowed"),
        ("[" * 20_000, "line 1, column 21: nested deeper than 20 levels"),
        ("roots:\n" + "".join(f"{'  ' * i}- \n" for i in range(1, 30)), "nested deeper than 20 levels"),
        ("gate:\n  min_score: " + "9" * 5000 + "\n", "gate.min_score: a number of 5,000 characters is not allowed"),
        ("weights: {plan: 1" + "0" * 40 + ".5}\n", "weights.plan: a number of"),
        ("gate: {min_score: 80}\n---\ngate: {min_score: 10}\n", "line 2, column 1: a second YAML document starts here"),
        ("1: one\n", "(top level): keys must be strings, found a number key (line 1, column 1)"),
        ("gate: {true: 1}\n", "gate: keys must be strings, found a boolean key"),
        ("? [a, b]\n: 1\n", "keys must be strings, found a list or mapping as a key"),
        ("roots: !!binary ZGV2L2FjdGl2ZQ==\n", "roots: the YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
        ("roots: !!python/name:os.system\n", "roots: the YAML tag 'tag:yaml.org,2002:python/name:os.system'"),
        ("roots: [dev/active]\n<<: {gate: {min_score: 0}}\n", "<<: Extra inputs are not permitted"),
        ("roots: ['a\x07']\n", "line 1: invalid YAML: the control character #x0007 is not allowed"),
    ],
)
def test_yaml_that_could_blow_up_or_mislead_is_refused_naming_key_or_position(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_text(text)

    assert len(caught.value.errors) == 1 and "\n" not in caught.value.errors[0]
    assert message in caught.value.errors[0], caught.value.errors


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"roots: [dev/active]\n" + b"#" * MAX_CONFIG_BYTES, f"over the {MAX_CONFIG_BYTES // 1024} KiB limit"),
        (b"gate:\x00\x01\x02", "the file is binary (it contains NUL bytes)"),
        (b"gate:\n  min_score: 80\nroots: [caf\xe9]\n", "line 3: the file is not valid UTF-8 (byte 0xe9)"),
        ("gate: {min_score: 80}\n".encode("utf-16"), "the file is UTF-16; save it as UTF-8"),
    ],
)
def test_file_bytes_are_checked_before_parsing(data: bytes, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config_bytes(data, "cfg.yml")

    assert any(message in line for line in caught.value.errors), caught.value.errors


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "\ufeff# BOM and a comment\n"])
def test_an_empty_file_means_the_defaults(text: str) -> None:
    assert parse_config_text(text) == ReviewConfig()


def test_dates_stay_text_and_a_bom_is_fine() -> None:
    config = parse_config_bytes(b"\xef\xbb\xbfroots: [2026-01-01]\ngate: {min_score: 70}\n")

    assert config.roots == ("2026-01-01",) and config.gate.min_score == 70


def test_disabling_every_rule_is_an_error_not_a_perfect_score() -> None:
    text = "rules:\n" + "".join(f"  {rule.code}: off\n" for rule in ALL_RULES)

    with pytest.raises(ConfigError) as caught:
        parse_config_text(text)

    assert caught.value.errors == ["rules: every rule is disabled, so nothing would be reviewed"]


def test_a_config_file_over_the_cap_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "devdocs-review.yml"
    path.write_bytes(b"#" * (10 * MAX_CONFIG_BYTES))

    with pytest.raises(ConfigError) as caught:
        load_config_file(path)

    assert caught.value.errors == [f"the file is {10 * MAX_CONFIG_BYTES:,} bytes, over the 64 KiB limit for the config"]


def test_the_depth_cap_holds_far_beyond_the_recursion_limit() -> None:
    depth = 60_000  # under the size cap, ~60x Python's default recursion limit
    assert depth > 10 * sys.getrecursionlimit()

    with pytest.raises(ConfigError) as caught:
        parse_config_text("a: " + "[" * depth)

    assert caught.value.errors == ["line 1, column 23: nested deeper than 20 levels"]


def test_a_rule_off_by_default_runs_only_when_the_config_turns_it_on() -> None:
    from rules.api import build_rules

    default = {rule.code for rule in build_rules(load_config(None))}
    opted_in = {rule.code for rule in build_rules(load_config({"rules": {"DOC014": "on"}}))}
    with_severity = {rule.code for rule in build_rules(load_config({"rules": {"DOC014": "medium"}}))}

    assert "DOC014" not in default and "DOC013" in default
    assert "DOC014" in opted_in and "DOC014" in with_severity
    assert "DOC013" not in {rule.code for rule in build_rules(load_config({"rules": {"DOC013": "off"}}))}
