"""Item ids in headings: numbered phases and lettered stages (``Stage B``)."""

from __future__ import annotations

from rules.core.model import Role
from rules.core.parse import parse_document


def test_lettered_stage_headings_carry_their_id() -> None:
    doc = parse_document("p-plan.md", "# P\n\n### Stage A: Setup\n\n### Stage B 구현\n", Role.PLAN)

    assert [s.item_ids for s in doc.sections[1:]] == [("Stage A",), ("Stage B",)]


def test_a_capital_article_after_step_is_not_an_id() -> None:
    doc = parse_document("p-tasks.md", "# P\n\n- [ ] Step A user clicks save\n", Role.TASKS)

    assert doc.items[0].item_ids == ()
