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


def test_the_id_pre_test_skips_only_lines_without_an_id() -> None:
    import random

    from rules.core.extract import _ID_RE, _LEADING_NUM_RE, _NOT_IDS, find_ids

    def every_line_searched(text: str) -> tuple[str, ...]:
        found = [lead.group(1)] if (lead := _LEADING_NUM_RE.match(text)) else []
        for match in _ID_RE.finditer(text):
            if match.group(1):
                found += [match.group(1)] if match.group(1) not in _NOT_IDS else []
            else:
                found.append(f"{match.group(2)} {match.group(3).upper()}")
        return tuple(dict.fromkeys(found))

    pieces = ["- ", "[ ] ", "BUG", "-", "12", "Phase", "Step", " ", "3", "A", "b", "1.2", "CRITICAL-6", "x-1", "Task"]
    rng = random.Random(8)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    assert [find_ids(t) for t in texts] == [every_line_searched(t) for t in texts]
    assert any(find_ids(t) for t in texts)
