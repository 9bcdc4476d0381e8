"""SARIF 2.1.0: validated against the official schema (tests/data/sarif-schema-2.1.0.json)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rules.core.finding import Severity
from rules.registry import ALL_RULES
from rules.render.sarif import render_sarif, uri
from tests.render.factories import big_review, finding, review, task_report

SCHEMA_FILE = Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _run(text: str, validator: jsonschema.Draft202012Validator) -> Any:
    log = json.loads(text)
    validator.validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    return log["runs"][0]


def test_big_review_is_valid_sarif(validator: jsonschema.Draft202012Validator) -> None:
    run = _run(render_sarif(big_review()), validator)

    driver = run["tool"]["driver"]
    assert driver["name"] == "devdocs-review" and driver["version"] == "0.1.0"
    assert driver["informationUri"].startswith("https://")
    assert len(run["results"]) == len(big_review().findings)


def test_rules_describe_every_registered_rule_and_unknown_codes(
        validator: jsonschema.Draft202012Validator) -> None:
    internal = finding("BOT000", severity=Severity.INFO, key="crash", name="internal-error")
    run = _run(render_sarif(review(task_report("auth", [internal]))), validator)

    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [*(r.code for r in ALL_RULES), "BOT000"]
    first = ALL_RULES[0]
    assert rules[0]["shortDescription"]["text"] == first.rationale
    assert rules[0]["fullDescription"]["text"] == first.fix == rules[0]["help"]["text"]
    assert rules[0]["properties"]["category"] == first.category.value
    (result,) = run["results"]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == "BOT000"


def test_results_carry_level_location_fingerprint_and_suppression(
        validator: jsonschema.Draft202012Validator) -> None:
    findings = [finding(f"TSK00{n}", severity=s, key=str(n), line=n + 2) for n, s in enumerate(Severity)]
    waived = finding("CTX002", key="w", waived=True, reason="rewritten next sprint",
                     path="dev/active/auth/my notes.md")
    run = _run(render_sarif(review(task_report("auth", [*findings, waived]))), validator)

    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"TSK004": "error", "TSK003": "error", "TSK002": "warning", "TSK001": "note",
                      "TSK000": "note", "CTX002": "warning"}
    top = run["results"][0]
    location = top["locations"][0]["physicalLocation"]
    artifact = {"uri": "dev/active/auth/auth-tasks.md", "uriBaseId": "%SRCROOT%"}
    assert location == {"artifactLocation": artifact, "region": {"startLine": 6}}
    assert top["partialFingerprints"] == {"devdocsReview/v1": findings[4].fingerprint}
    suppressed = run["results"][-1]
    assert suppressed["suppressions"] == [{"kind": "inSource", "justification": "rewritten next sprint"}]
    assert suppressed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "dev/active/auth/my%20notes.md"
    assert all("suppressions" not in r for r in run["results"][:-1])


def test_uris_are_relative_and_percent_encoded() -> None:
    assert uri("dev/active/ünï code/a#b?.md") == "dev/active/%C3%BCn%C3%AF%20code/a%23b%3F.md"
    assert uri("/dev/x.md") == "dev/x.md"


def test_sarif_is_deterministic() -> None:
    assert render_sarif(big_review()) == render_sarif(big_review())
