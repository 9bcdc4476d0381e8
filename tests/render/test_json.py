"""JSON output: valid against the documented schema, complete, deterministic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from rules.core.finding import Severity
from rules.render.json import render_json
from tests.render.factories import big_review, finding, review, rich_task, task_report

SCHEMA_FILE = Path(__file__).parents[2] / "rules" / "data" / "review.schema.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def _load(text: str, validator: jsonschema.Draft202012Validator) -> Any:
    data = json.loads(text)
    validator.validate(data)
    return data


def test_output_validates_against_the_schema(validator: jsonschema.Draft202012Validator) -> None:
    data = _load(render_json(big_review()), validator)

    assert data["score"] == big_review().score
    assert set(data["tasks"][0]["categories"]) == {"structure", "plan", "context", "tasks", "consistency",
                                                   "security"}
    assert "delta" not in data


def test_findings_carry_every_documented_field_and_waived_ones_are_flagged(
        validator: jsonschema.Draft202012Validator) -> None:
    waived = finding("CTX002", key="w", waived=True, reason="rewritten next sprint")
    task = task_report("auth", [finding("STR001", severity=Severity.CRITICAL), waived])
    data = _load(render_json(review(task)), validator)

    active, quiet = data["tasks"][0]["findings"]
    assert active["rule"] == "STR001" and active["severity"] == "critical" and active["waived"] is False
    assert active["points"] == 60 and len(active["fingerprint"]) == 16
    assert quiet == {**quiet, "rule": "CTX002", "waived": True, "waiver_reason": "rewritten next sprint",
                     "points": 0}
    assert data["summary"]["by_severity"]["critical"] == 1 and data["summary"]["waived"] == 1


def test_delta_appears_with_a_base(validator: jsonschema.Draft202012Validator) -> None:
    head = review(rich_task("auth"), rich_task("billing", count=2))
    base = review(rich_task("auth", count=20))

    data = _load(render_json(head, base=base), validator)

    delta = data["delta"]
    assert delta["score_change"] == head.score - base.score
    assert len(delta["new"]) + len(delta["still_open"]) == len(head.findings)
    assert len(delta["fixed"]) == 8
    billing = head.tasks[1]
    assert delta["tasks"][1] == {"path": billing.path, "name": "billing", "score": billing.score,
                                 "grade": billing.grade, "base_score": None, "base_grade": None,
                                 "score_change": None}


def test_output_is_sorted_indented_and_deterministic() -> None:
    text = render_json(big_review())

    assert text == render_json(big_review())
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
