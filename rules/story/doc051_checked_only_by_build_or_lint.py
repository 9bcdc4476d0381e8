"""DOC051 checked-only-by-build-or-lint."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.phases import is_later, is_open
from rules.core.rule import Rule, RuleContext
from rules.core.text import count_of
from rules.core.verification import VERIFY_RE
from rules.story._common import quote
from rules.story._fresh import in_role_category
from rules.story._verification import EVIDENCE_RE, change_record, finished

# A check that proves the code compiles or is tidy, not that it behaves: a build, a static analysis,
# a linter or a type check (by name or by tool), code generation; 빌드 / 컴파일 / 정적 분석 / 编译 / 类型检查 /
# ビルド / コンパイル.
# "Build" alone is as often the verb of a feature task ("Build the export page"): only a build as a check.
_STATIC_RE = re.compile(
    r"(?i)\b(?:build (?:passe[sd]|passing|succeed\w*|success\w*|ok|green|clean\w*|works|checks?|verified)"
    r"|(?:release|production|debug|clean) builds?|builds? (?:cleanly|successfully|without (?:errors|warnings))"
    r"|(?:npm run|pnpm|yarn|cargo|go|gradle|make|flutter|xcodebuild|mvn) build|build_runner"
    r"|compiles|compiled|compilation|static analysis|analy[sz]er|lint(?:s|ed|ing|er)?|type-?check\w*"
    r"|typecheck\w*|tsc|mypy|pyright|eslint|ruff|flake8|clippy|codegen|code generation"
    r"|(?:dart|flutter|go|cargo|swift|npm run|pnpm|yarn) (?:analy[sz]e|vet|check|lint))\b"
    r"|빌드|컴파일|정적\s*분석|코드\s*생성|编译|类型检查|ビルド|コンパイル"
)
# Anything that exercises the behaviour: a test of any kind, a manual or device check, a run of the app.
_BEHAVIOUR_RE = re.compile(
    r"(?i)\b(?:tests?|tested|testing|specs?|e2e|end-to-end|smoke|qa|manual(?:ly)?|browser|device|simulator"
    r"|emulator|staging|reproduc\w*|clicked|opened|logged in|tried|exercised|walkthrough|screenshot)\b"
    r"|테스트|실기기|测试|手动"
)


class CheckedOnlyByBuildOrLint(Rule):
    """A finished code change records no check but a build, a static analysis, a linter or a type check.

    Applies when the task is finished (archived, a ``Status:`` line at the top of a file says
    complete, or every box of the tasks file is ticked) and changed code (a list of changed files,
    or a ticked box naming a source file or starting with a building verb). Reported when every
    line of the folder that records a check (DOC045's vocabulary: tests, verification, something
    checked or confirmed, a build or lint that passed; or a build, analyser or device named) is a
    build, static analysis, lint, type check or code generation, and none tests, runs the app or
    checks it by hand (on a device, in a browser, manually). A folder with no
    check at all is DOC045's. The finding stands at the first such check of the tasks file (else
    of the first file holding one), in that file's category.

    Why: a clean build and a quiet analyser show that the code compiles, not that the feature
    works. When they are the only record, nobody has seen the change behave, and a regression
    would surface with the first user.

    Bad:
        filter-tasks.md:  ## Phase 5 — Build check ✅
                          - [x] `flutter analyze` — no issues
                          - [x] Release build succeeds

    Good:
        filter-tasks.md:  - [x] `flutter analyze` — no issues
                          - [x] Widget test: deselected stores disappear from the calendar
                          - [x] On a device: the choice survives an app restart
    """

    code = "DOC051"
    name = "checked-only-by-build-or-lint"
    category = Category.TASKS
    severity = Severity.LOW
    rationale = "A change checked only by a build or a linter was never seen to work."
    fix = "Record a check of the behaviour (a test, or a manual run with what was seen), or add one."
    effort_minutes = 15

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        found = self._folder_checks(task) or self._ticked_checks(task)
        if found is not None:
            yield found

    def _folder_checks(self, task: TaskDocs) -> Finding | None:
        """A finished change whose every recorded check, in any file, is a build or analysis."""
        if not finished(task) or change_record(task) is None:
            return None
        checks = []
        for doc in task.documents:
            for number, line in _check_lines(doc):
                if not _STATIC_RE.search(line) or _BEHAVIOUR_RE.search(line):
                    return None  # a check of the behaviour, or one that is not a build or lint: tested
                checks.append((doc, number, line))
        if not checks:
            return None
        doc, number, line = next((c for c in checks if c[0] is task.tasks), checks[0])
        message = (f"The task is finished, but the only checks its files record are a build or static analysis "
                   f"({quote(line.strip(' -#*'), 60)} at line {number}); nothing says the changed behaviour was "
                   "tested or tried.")
        finding = self.finding(task, doc, number, message, key="static-checks-only",
                               related=[(d, n) for d, n, _line in checks if (d, n) != (doc, number)][:10])
        return in_role_category(finding, doc)

    def _ticked_checks(self, task: TaskDocs) -> Finding | None:
        """Sections of the tasks file closed by a ticked build or analysis box, none by a ticked
        check of the behaviour anywhere in the folder."""
        doc = task.tasks
        if doc is None:
            return None
        static = [i for i in doc.items if i.checked and _is_static(i.text)]
        closed = len({i.section for i in static})
        if closed < 2:
            return None  # one build box is a step of the work, not how every part was checked
        if any(i.checked and not _is_static(i.text) and _is_check(i.text) for d in task.documents for i in d.items):
            return None  # a test, a device or manual check was done
        still_open = sorted(((d, i) for d in task.documents for i in d.items
                             if is_open(i) and not _is_static(i.text) and _is_check(i.text) and not is_later(d, i)),
                            key=lambda entry: entry[0] is not doc)  # the tasks file's own first
        first = static[0]
        message = (f"Every check ticked in {doc.name} is a build or static analysis "
                   f"({quote(first.text, 60)} at line {first.line}, closing {closed} sections); "
                   "no ticked box says the changed behaviour was tested or tried")
        if still_open:
            d, item = still_open[0]
            message += (f"; {count_of(len(still_open), 'behaviour check')} "
                        f"{'is' if len(still_open) == 1 else 'are'} still open ({quote(item.text, 50)} at "
                        f"{d.name}:{item.line}).")
        else:
            message += "."
        finding = self.finding(task, doc, first.line, message, key="static-boxes-only",
                               related=[(doc, i.line) for i in static[1:11]])
        return in_role_category(finding, doc)


def _is_check(text: str) -> bool:
    return any(pattern.search(text) for pattern in (EVIDENCE_RE, VERIFY_RE, _STATIC_RE, _BEHAVIOUR_RE))


# Every match of _STATIC_RE holds one of these (case folded): a box without any is not searched.
_STATIC_CUES = ("build", "compil", "analy", "lint", "check", "tsc", "mypy", "pyright", "ruff", "flake8", "clippy",
                "codegen", "generation", "vet",
                "빌드", "컴파일", "정적", "코드", "编译", "类型检查", "ビルド", "コンパイル")


def _is_static(text: str) -> bool:
    folded = text.casefold()
    return (any(cue in folded for cue in _STATIC_CUES) and _STATIC_RE.search(text) is not None
            and _BEHAVIOUR_RE.search(text) is None)


def _check_lines(doc: Document) -> Iterator[tuple[int, str]]:
    """The lines of *doc* outside code blocks that record or plan a check, or speak of trying the change."""
    for number, line in enumerate(doc.lines, start=1):
        if number not in doc.code_lines and any(
                pattern.search(line) for pattern in (EVIDENCE_RE, VERIFY_RE, _STATIC_RE, _BEHAVIOUR_RE)):
            yield number, line
