"""Phase identity: a phase is its number and its title (rules/core/phase_identity.py)."""

from __future__ import annotations

from rules.core.model import Role
from rules.core.parse import parse_document
from rules.core.phase_identity import PhaseRef, generic_stems, phase_refs, same_phase, stem, title_stems


def _refs(name: str, role: Role, text: str) -> dict[str, PhaseRef]:
    return {ref.id: ref for ref in phase_refs(parse_document(name, text, role))}


def test_same_number_with_unrelated_titles_is_two_phases() -> None:
    plan = _refs("a-plan.md", Role.PLAN, "# A\n\n### Phase 2: API gateway\n")
    tasks = _refs("a-tasks.md", Role.TASKS, "# A\n\n## Phase 2: Settings UI\n- [ ] x\n")

    assert not same_phase(plan["Phase 2"], tasks["Phase 2"])


def test_reworded_title_is_the_same_phase() -> None:
    plan = _refs("a-plan.md", Role.PLAN, "# A\n\n### Phase 2: Show suggested dates (Week 2)\n")
    tasks = _refs("a-tasks.md", Role.TASKS, "# A\n\n## Phase 2 — Date suggestions ✅ COMPLETE\n")

    assert same_phase(plan["Phase 2"], tasks["Phase 2"])


def test_heading_about_a_phase_has_no_title_and_matches_by_number() -> None:
    plan = _refs("a-plan.md", Role.PLAN, "# A\n\n### Phase 3: Billing\n")
    context = _refs("a-context.md", Role.CONTEXT, "# A\n\n### Phase 3 Complete - released\n\n## Phase 4: Complete\n")

    assert context["Phase 3"].stems == frozenset()
    assert context["Phase 4"].stems == frozenset()
    assert same_phase(plan["Phase 3"], context["Phase 3"])


def test_a_word_in_most_phase_titles_identifies_none() -> None:
    refs = list(phase_refs(parse_document("a-plan.md", "# A\n\n### Phase 1: Login tests\n### Phase 2: Search tests\n"
                                          "### Phase 3: Export testing\n### Phase 4: Billing\n", Role.PLAN)))
    other = phase_refs(parse_document("a-tasks.md", "# A\n\n## Phase 2: Smoke tests\n- [ ] x\n", Role.TASKS))[0]

    generic = generic_stems([*refs, other])

    assert generic == frozenset({"test"})
    assert same_phase(refs[1], other)
    assert not same_phase(refs[1], other, generic)


def test_stems_fold_endings_and_drop_status_words() -> None:
    assert stem("Testing") == stem("tests") == "test"
    assert title_stems("Recommendations ✅ COMPLETE (PRIORITY 1)") == title_stems("recommendation")


def test_word_stems_drop_filler_and_short_words_and_keep_short_words_of_other_scripts_when_asked() -> None:
    import re

    from rules.core.phase_identity import WordStems

    words = re.compile(r"[^\W\d_]+")
    ascii_only = WordStems(words, frozenset({"the"}))
    any_script = WordStems(words, frozenset({"the"}), short_non_ascii=True)

    assert ascii_only("The testing of UI 배포") == frozenset({"test"})
    assert any_script("The testing of UI 배포") == frozenset({"test", "배포"})
    assert any_script("the of") == frozenset()


def test_a_name_in_brackets_is_the_title_when_only_status_follows() -> None:
    from rules.core.phase_identity import title_after

    def after(text: str) -> str:
        return title_after(text, len("Phase 2"))

    assert after("Phase 2 (Auth): ⬜ Not started (3-4 hours)") == "Auth"
    assert after("Phase 2 (Week 3): Payment API") == "Payment API"  # a date in brackets is no name
    assert after("Phase 2 (Refunds): Admin screen") == "Admin screen"  # the title after the separator wins
    assert after("Phase 2 (3-4 hours): ✅ Complete") == "✅ Complete"  # nothing to name it by: untitled
    assert title_stems(after("Phase 2 (3-4 hours): ✅ Complete")) == frozenset()


def test_a_heading_that_details_its_phase_has_no_title_of_its_own() -> None:
    plan = _refs("a-plan.md", Role.PLAN, "# A\n\n## Phase 1 — Detailed Implementation\n")
    tasks = _refs("a-tasks.md", Role.TASKS, "# A\n\n## Phase 1: Core frame storage\n- [ ] x\n")

    assert plan["Phase 1"].stems == frozenset()
    assert same_phase(plan["Phase 1"], tasks["Phase 1"])
    assert title_stems("Details") == title_stems("Breakdown") == frozenset()
    assert title_stems("Detailed design of the importer") != frozenset()  # a design phase, named
    assert title_stems("Design details") != frozenset()  # a title about details, not one that details its phase
