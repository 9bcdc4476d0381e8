"""STR008 file-not-utf8."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import TaskDocs
from rules.core.rule import Rule, RuleContext

_ENCODING_RE = re.compile(r"(?i)utf-?8|utf-?16|replacement|encod")
_LINE_RE = re.compile(r"\bon line (\d+)")


class FileNotUtf8(Rule):
    """A planning file is not UTF-8: it was read as UTF-16 or with replacement characters.

    Why: GitHub, editors, diff tools and agents assume UTF-8. A Latin-1 or Windows-1252 byte
    shows up as ``�`` (and the text around it may be garbled), and a UTF-16 file diffs as binary
    in most tools, so review comments and merges on it go wrong.

    Bad:
        auth-context.md saved as Windows-1252: "Café sync" is stored as the single byte 0xE9.

    Good:
        auth-context.md saved as UTF-8 (no byte-order mark): "Café sync" is stored as 0xC3 0xA9.
    """

    code = "STR008"
    name = "file-not-utf8"
    category = Category.STRUCTURE
    severity = Severity.MEDIUM
    rationale = "Tools assume UTF-8: other encodings show garbled characters and diff as binary."
    fix = "Re-save the file as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8`) and check the marked line."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        for doc in task.documents:
            for problem in doc.problems:
                if not _ENCODING_RE.search(problem):
                    continue
                found = _LINE_RE.search(problem)
                utf16 = "utf-16" in problem.lower()
                message = f"{doc.name!r} {problem.removeprefix('file ').rstrip('.')}."
                fix = "Re-save the file as UTF-8 (`iconv -f UTF-16 -t UTF-8`)." if utf16 else None
                yield self.finding(task, doc, int(found.group(1)) if found else 1, message,
                                   key="utf-16" if utf16 else "not-utf-8", fix=fix)
