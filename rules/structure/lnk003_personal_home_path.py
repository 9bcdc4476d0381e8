"""LNK003 personal-home-path."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rules.core.finding import Category, Finding, Severity
from rules.core.model import Document, TaskDocs
from rules.core.rule import Rule, RuleContext
from rules.structure._places import more_places

# A path that starts at one person's home folder: ``/Users/<name>/``, ``/home/<name>/``,
# ``C:\Users\<name>\``, or root's home ``/root/<folder>/`` (group 1 is then the folder inside it).
# It must start the path (not ``lib/home/widgets/``, not a URL's ``host/home/x/``). Each part is a
# bounded character class: linear on any input.
_HOME_RE = re.compile(r"(?<![\w./~\\-])(?:/(?:Users|home)/|(?P<root>/root/)|[A-Za-z]:[\\/]{1,2}(?i:users)[\\/]{1,2})"
                      r"([A-Za-z0-9._-]{1,64})[\\/]")
_ROOT_HOME = "/root/"
# Names that stand for "whoever reads this" or for a server's service account, not one person.
_GENERIC_NAMES = frozenset(
    ["user", "username", "users", "you", "your-name", "yourname", "your_name", "name", "me", "myuser", "example",
     "runner", "ubuntu", "ec2-user", "admin", "administrator", "deploy", "deployer", "app", "node", "git",
     "ci", "jenkins", "vagrant", "pi", "root", "default", "public", "shared", "linuxbrew", "xxx", "dev"])


class PersonalHomePath(Rule):
    """A task document refers to a file by an absolute path inside one person's home folder.

    Matches paths that start with ``/Users/<name>/``, ``/home/<name>/`` or ``C:\\Users\\<name>\\``,
    in prose, code spans and code blocks alike (a command that opens such a path fails the same
    way), and paths into root's home folder (``/root/git/shop/``) in prose and code spans: the same
    leak of one machine's layout, and a sign the machine is worked on as root, so that finding is
    a security one (in a code block ``/root/`` is most often a container's, and ``/root/.cache/``
    a tool's, both left alone). Placeholder and service-account names
    (``/home/user/``, ``/Users/you/``, ``/home/ubuntu/``, ``/home/runner/``) are left alone, and so
    is ``~/``, which names no one.
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
        personal = [p for p in places if not p[2].startswith(_ROOT_HOME)]
        if personal:
            doc, line, text = personal[0]
            also = more_places([(d, n) for d, n, _ in personal[1:]])
            message = f"{text!r} is a path in one person's home folder{also}; no other reader or machine can open it."
            finding = self.finding(task, doc, line, message, key=text, related=[(d, n) for d, n, _ in personal[1:]])
            yield finding.in_role_category(doc.acting_role)
        if root := [p for p in places if p[2].startswith(_ROOT_HOME)]:
            doc, line, text = root[0]
            also = more_places([(d, n) for d, n, _ in root[1:]])
            message = (f"{text!r} is a path in the root account's home folder{also}: it opens nothing elsewhere "
                       "and tells every reader the machine is worked on as root.")
            related = [(d, n) for d, n, _ in root[1:]]
            finding = self.finding(task, doc, line, message, key=f"root:{text}", related=related)
            yield finding.with_changes(category=Category.SECURITY)


def _home_paths(doc: Document) -> Iterator[tuple[int, str]]:
    """(line, the path's home part) of the first personal home path on each line."""
    for number, text in enumerate(doc.lines, start=1):
        if "/" not in text and "\\" not in text:
            continue
        for match in _HOME_RE.finditer(text):
            name = match.group(2)
            if name.startswith("."):
                continue  # a dot folder (``/root/.cache/``, ``/home/.config/``): a tool's, not a person's
            if match.group("root") is not None and number in doc.code_lines:
                continue  # ``WORKDIR /root/app/`` in a code block: most often a container's, not a machine's
            if match.group("root") is not None or name.lower() not in _GENERIC_NAMES:
                yield number, match.group(0)
                break
