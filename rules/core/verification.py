"""Test and verification tasks: which checkboxes test, verify or validate work."""

from __future__ import annotations

import re

from rules.core.model import CheckItem, Document
from rules.core.phases import ancestors
from rules.core.text import fold, has_cue

# A task that tests or verifies: the words in English, and "test" / "verification" in Korean, Chinese,
# Japanese, Spanish, Portuguese, Russian, Polish, German and French.
VERIFY_RE = re.compile(
    r"(?i)\b(?:tests?|testing|tested|verify|verified|verification|validate[sd]?|validation|qa|e2e|end-to-end"
    r"|smoke|regression|manual(?:ly)? check|pruebas?|probar|verificar|verificaci[óo]n|testes?|verifica[çc][ãa]o"
    r"|weryfikacja|prüfung|überprüf\w*|v[ée]rifi\w*)\b|테스트|검증|测试|測試|验证|驗證|テスト|検証|тест\w*|провер\w*"
)
# Every match of VERIFY_RE holds one of these (case folded), in the text as written: taking code spans
# and paths out only removes characters (each becomes a space), so a text without any says nothing.
_VERIFY_CUES = ("test", "verif", "valid", "qa", "e2e", "end-to-end", "smoke", "regression", "manual", "prueb",
                "probar", "weryfik", "prüf", "vérif", "테스트", "검증", "测试", "測試", "验证", "驗證", "テスト",
                "検証", "тест", "провер")
# "Validation" naming a thing the work builds, not a check of it: "the validation pattern", "validation
# rules", "types for validation" (the feature of a form or an API is validation).
_FEATURE_VALIDATION_RE = re.compile(
    r"(?i)\bvalidation\s+(?:pattern|logic|rules?|schemas?|types?|functions?|endpoints?|middleware|layer|hooks?"
    r"|messages?|errors?|utilit(?:y|ies)|helpers?|modules?|service|code|library)\b|\bfor\s+validation\b")
_CODE_RE = re.compile(r"`[^`\n]*`")
_WORD_RE = re.compile(r"\S+")  # whole words, each read once: linear on a long line without a slash


def _without_code_or_paths(text: str) -> str:
    """*text* without code spans, words holding a slash ("/api/validate-x" names an endpoint, not a
    check) and validation named as a thing the work builds ("Update CLAUDE.md with the validation pattern")."""
    text = _WORD_RE.sub(lambda m: " " if "/" in m.group() else m.group(), _CODE_RE.sub(" ", text))
    return _FEATURE_VALIDATION_RE.sub(" ", text) if "alidation" in text else text


def says_verification(text: str) -> bool:
    """*text* tests or verifies by its own words (code spans and paths aside)."""
    folded = fold(text)
    if not any(cue in folded for cue in _VERIFY_CUES):
        return False  # most texts: a few substring tests instead of two substitutions and a search
    return VERIFY_RE.search(_without_code_or_paths(text)) is not None


# A documentation section's boxes write about checks ("Document final validation results") unless one
# leads with the check itself ("Verify the examples in the guide run").
_DOCS_HEADING_RE = re.compile(r"(?i)\b(?:documentation|docs)\b|문서|文档|ドキュメント")
_LEADS_WITH_CHECK_RE = re.compile(r"(?i)^\W*(?:tests?|testing|verify|validate|check|run|confirm|qa)\b")


def is_verification(doc: Document, item: CheckItem) -> bool:
    """A checkbox that tests or verifies, by its own words or a heading above it (``### Testing``);
    under a documentation heading only one that leads with the check."""
    if says_verification(item.text):
        return (_LEADS_WITH_CHECK_RE.match(item.text) is not None
                or not any(_DOCS_HEADING_RE.search(s.title) for s in ancestors(doc, item.section)))
    return any(VERIFY_RE.search(s.title) for s in ancestors(doc, item.section))


# A target that only automated tests can meet: a test-coverage figure or a count of tests
# ("test coverage > 60%", "80%+ code coverage", "100+ unit tests"; 测试覆盖率 / 테스트 커버리지).
COVERAGE_TARGET_RE = re.compile(
    r"(?i)\b(?:test|code|line|branch|unit[- ]test)\s+coverage\b[^\n\d]{0,20}\d{1,3}(?:\.\d)?\s*%"
    r"|\b\d{1,3}\s*%\+?\s+(?:test|code|line|branch)\s+coverage\b"
    r"|\b\d{2,4}\+\s+(?:unit\s+|automated\s+)?tests\b"
    r"|(?:测试|代码)覆盖率|테스트\s*커버리지"
)
# Every match of COVERAGE_TARGET_RE holds one of these (case folded): a line without any is not searched.
COVERAGE_TARGET_CUES = ("coverage", "tests", "覆盖率", "커버리지")
# Anything that writes, sets up or runs automated tests, or measures coverage.
AUTOMATED_TEST_RE = re.compile(
    r"(?i)\bcoverage\b|\b(?:unit|integration|automated|component|snapshot|regression)[- ]tests?\b"
    r"|\btest (?:suites?|files?|runner|framework|harness)\b|\b(?:jest|vitest|pytest|mocha|jasmine|playwright"
    r"|cypress|karma|rspec|junit|phpunit|unittest|testing-library|xunit|nunit)\b|\b(?:go|cargo|npm|pnpm|yarn)"
    r" (?:run )?test\b|\.(?:test|spec)\.[jt]sx?\b|\btests?/|_test\.(?:go|py)\b|\btest_\w+\.py\b"
    r"|\b(?:write|writing|wrote|add|adding|added|create|creating|created)\s+(?:[\w-]+\s+){0,2}(?:tests|specs)\b"
    r"|\btdd\b|\btest[- ]driven\b|单元测试|自动化测试|覆盖率|단위\s*테스트|테스트\s*코드|커버리지"
)
# Every match of AUTOMATED_TEST_RE holds one of these (case folded; "unit" for junit, xunit and nunit,
# "spec" for rspec and specs): a line without any is not searched.
AUTOMATED_TEST_CUES = ("coverage", "test", "spec", "unit", "jest", "mocha", "jasmine", "playwright", "cypress",
                       "karma", "tdd", "测试", "覆盖率", "테스트", "커버리지")


# A full-coverage claim: "100% test coverage", "Test Coverage: 100%", "Coverage: 100% of methods tested".
FULL_COVERAGE_RE = re.compile(
    r"(?i)\b100\s*%\s+(?:test\s+|code\s+)?coverage\b|\b(?:test\s+|code\s+)?coverage\W{0,3}\s*100\s*%"
)
# …of tests or code, not of requirements or pages: the line speaks of tests or code.
TEST_WORD_RE = re.compile(r"(?i)\btest|\bcode\b|\bunit\b|\bspecs?\b")
# …said as a goal or a condition rather than a result.
COVERAGE_GOAL_RE = re.compile(
    r"(?i)\b(?:target|goal|aim|should|must|need|required?|at least|achieve|reach|want)\b|[>≥]=?\s*\d")
# A coverage measurement: a tool or report, a per-kind figure, or a figure no one would round to.
COVERAGE_MEASURED_RE = re.compile(
    r"(?i)coverage report|--coverage\b|--cov\b|pytest-cov|coverage\.py|coverage run|istanbul|\bnyc\b|\bc8\b"
    r"|\blcov\b|codecov|coveralls|\b(?:statements|branches|functions|lines)\W{0,3}\s*\d{1,3}(?:\.\d+)?\s*%"
    r"|\d\.\d{1,2}\s*%\s*(?:test\s+|code\s+)?coverage|coverage\W{0,3}\s*\d{1,2}\.\d{1,2}\s*%"
)

# COVERAGE_MEASURED_RE branch by branch, for has_cue on the folded text (a case-insensitive
# alternation without a common first character is tried at every position of a whole document):
# the literal each branch starts with, and the branch from there.
_PER_KIND_FIGURE = r"\W{0,3}\s*\d{1,3}(?:\.\d+)?\s*%"
_MEASURED_CUES: tuple[tuple[str, re.Pattern[str] | None], ...] = (
    ("coverage report", None), ("--coverage", re.compile(r"--coverage\b")), ("--cov", re.compile(r"--cov\b")),
    ("pytest-cov", None), ("coverage.py", None), ("coverage run", None), ("istanbul", None),
    ("nyc", re.compile(r"\bnyc\b")), ("c8", re.compile(r"\bc8\b")), ("lcov", re.compile(r"\blcov\b")),
    ("codecov", None), ("coveralls", None),
    *((kind, re.compile(rf"\b{kind}{_PER_KIND_FIGURE}")) for kind in ("statements", "branches", "functions", "lines")),
    ("coverage", re.compile(r"coverage\W{0,3}\s*\d{1,2}\.\d{1,2}\s*%")),
)
# The one branch that starts with a digit (sre scans for a first character of a class quickly):
_FIGURE_THEN_COVERAGE = re.compile(r"\d\.\d{1,2}\s*%\s*(?:test\s+|code\s+)?coverage")


def coverage_measured(folded: str) -> bool:
    """Whether ``COVERAGE_MEASURED_RE`` matches the text whose :func:`~rules.core.text.fold` is *folded*."""
    return has_cue(folded, _MEASURED_CUES) or (
        "coverage" in folded and _FIGURE_THEN_COVERAGE.search(folded) is not None)
