"""DOC057 reads automated tests only on lines holding one of its words (a prefilter at C speed): every
kind of mention its pattern knows must still be found, and an absent one still not."""

from __future__ import annotations

import pytest

from rules.core.model import Role
from rules.core.parse import parse_document
from rules.story.doc057_checked_only_by_hand import _automated


@pytest.mark.parametrize("line", [
    "Added integration tests for the retry path.", "The test suite runs in 40 s.", "Wrote new tests.",
    "Tests pass on main.", "48 tests", "Run `pytest -q`.", "Jest snapshots updated.", "Mocha specs",
    "Jasmine", "Playwright run", "Cypress flows", "rspec green", "JUnit report", "PHPUnit passes",
    "Detox on iOS", "xcodebuild test", "testing-library queries", "supertest against the app",
    "npm run test", "cargo test", "auth.test.ts", "login.spec.tsx", "test_login covers it",
    "session_test.go", "see tests/ for the cases", "__tests__ folder", "Runs in CI.", "GitHub Actions job",
    "단위 테스트 추가", "통합테스트 통과", "新增单元测试", "集成测试通过", "単体テストを追加", "結合テスト済み",
])
def test_every_kind_of_automated_test_is_found(line: str) -> None:
    doc = parse_document("dev/active/x/x-context.md", f"# X\n\nSome words first.\n{line}\n", Role.CONTEXT)
    assert _automated(doc)


@pytest.mark.parametrize("line", ["No unit tests: manual testing only.", "Checked by hand in the browser.",
                                  "A decision on the specific circuit."])
def test_an_absent_or_unrelated_mention_is_not(line: str) -> None:
    doc = parse_document("dev/active/x/x-context.md", f"# X\n\n{line}\n", Role.CONTEXT)
    assert not _automated(doc)
