"""Meta-tests: every rule is registered, documented, fixtured, and the core stays free of I/O."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from rules.core.finding import Category, Severity
from rules.core.rule import Rule
from rules.registry import ALL_RULES, RULES_BY_CODE
from tests.rules.harness import FIXTURES

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_is_self_documenting(rule: type[Rule]) -> None:
    assert re.fullmatch(r"(STR|PLN|CTX|TSK|CON|SEC|LNK|WVR|DOC)\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert Path(inspect.getfile(rule)).name == f"{rule.code.lower()}_{rule.name.replace('-', '_')}.py"
    doc = inspect.getdoc(rule) or ""
    for section in ("Why:", "Bad:", "Good:"):
        assert section in doc, f"{rule.code} docstring lacks {section!r}"
    assert isinstance(rule.category, Category) and isinstance(rule.severity, Severity)
    assert rule.rationale.strip() and "\n" not in rule.rationale
    assert rule.fix.strip() and rule.effort_minutes >= 0


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_has_good_and_bad_fixtures(rule: type[Rule]) -> None:
    names = [p.name for p in (FIXTURES / rule.code).glob("*")] if (FIXTURES / rule.code).is_dir() else []
    assert any(n.startswith("fail_") for n in names), f"{rule.code} has no fail_ fixture"
    assert any(n.startswith("pass_") for n in names), f"{rule.code} has no pass_ fixture"


def test_codes_and_names_are_unique() -> None:
    assert len(RULES_BY_CODE) == len(ALL_RULES)
    assert len({r.name for r in ALL_RULES}) == len(ALL_RULES)


def test_every_rule_module_is_registered() -> None:
    modules = {p.stem for p in (ROOT / "rules").glob("*/[a-z][a-z][a-z][0-9][0-9][0-9]_*.py")}
    registered = {Path(inspect.getfile(r)).stem for r in ALL_RULES}
    assert modules == registered


def test_core_does_no_io() -> None:
    forbidden = re.compile(
        r"^\s*(from|import)\s+(bot|fastapi|githubkit|httpx|socket|subprocess|requests|urllib|os|pathlib|time)\b",
        re.MULTILINE,
    )
    offenders = [p for p in (ROOT / "rules").rglob("*.py") if forbidden.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    clock = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|time\.time)\(")
    assert [p for p in (ROOT / "rules").rglob("*.py") if clock.search(p.read_text(encoding="utf-8"))] == []
