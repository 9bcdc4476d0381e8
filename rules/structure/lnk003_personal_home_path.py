"""LNK003 personal-home-path."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import ROLE_CATEGORY, Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._places import also_at

# A path that starts at one person's home folder: ``/Users/<name>/``, ``/home/<name>/``,
# ``C:\Users\<name>\``. It must start the path (not ``lib/home/widgets/``, not a URL's
# ``host/home/x/``). Each part is a bounded character class: linear on any input.
_HOME_RE = re.compile(r"(?<![\w./~\\-])(?:/(?:Users|home)/|[A-Za-z]:[\\/]{1,2}(?i:users)[\\/]{1,2})"
                      r"([A-Za-z0-9._-]{1,64})[\\/]")
# Names that stand for "whoever reads this" or for a server's service account, not one person.
_GENERIC_NAMES = frozenset(
    ["user", "username", "users", "you", "your-name", "yourname", "your_name", "name", "me", "myuser", "example",
     "runner", "ubuntu", "ec2-user", "admin", "administrator", "deploy", "deployer", "app", "node", "git",
     "ci", "jenkins", "vagrant", "pi", "root", "default", "public", "shared", "linuxbrew", "xxx", "dev"])


class PersonalHomePath(Rule):
    """A task document refers to a file by an absolute path inside one person's home folder.

    Matches paths that start with ``/Users/<name>/``, ``/home/<name>/`` or ``C:\\Users\\<name>\\``,
    in prose, code spans and code blocks alike (a command that opens such a path fails the same
    way). Placeholder and service-account names (``/home/user/``, ``/Users/you/``,
    ``/home/ubuntu/``, ``/home/runner/``) are left alone, and so is ``~/``, which names no one.
    One finding per task folder, at the first such path, naming every other place.

    Why: the documents are read by other people and by agents on other machines. A path into the
    author's home folder opens nothing for them, and it ties the repository's layout to one
    laptop. A path from the repository root says the same thing and works everywhere.

    Bad:
        - Guide: `/Users/dana/code/shop/docs/payments.md`

    Good:
        - Guide: `docs/payments.md`
    """

    code = "LNK003"
    name = "personal-home-path"
    category = Category.STRUCTURE
    severity = Severity.LOW
    rationale = "A path into the author's home folder opens nothing for any other reader or machine."
    fix = "Write the path from the repository root (e.g. `docs/guide.md`), or link the file."
    effort_minutes = 5

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        places = [(doc, line, text) for doc in task.documents for line, text in _home_paths(doc)]
        if not places:
            return
        doc, line, text = places[0]
        also = also_at(doc, [(d, n) for d, n, _ in places[1:]])
        message = (f"{text!r} is a path in one person's home folder{also}; no other reader or machine can open it.")
        finding = self.finding(task, doc, line, message, key=text, related=[(d, n) for d, n, _ in places[1:]])
        category = ROLE_CATEGORY.get(doc.role)
        yield finding.with_changes(category=category) if category is not None else finding


def _home_paths(doc: Document) -> Iterator[tuple[int, str]]:
    """(line, the path's home part) of the first personal home path on each line."""
    for number, text in enumerate(doc.lines, start=1):
        if "/" not in text and "\\" not in text:
            continue
        for match in _HOME_RE.finditer(text):
            if match.group(1).lower() not in _GENERIC_NAMES and not match.group(1).startswith("."):
                yield number, match.group(0)
                break
