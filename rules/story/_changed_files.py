"""Files a context reports as changed, and whether the plan or the tasks account for them (DOC043)."""

from __future__ import annotations

import math
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass

from rules.core.model import Document
from rules.story._follow_ups import FollowUp, item_words
from rules.story._lists import ITEM_RE, list_after

# A heading or label over a list of files the work changed: "Files Modified", "Modified files",
# "Files changed in this session", "Files created". Files still to create are not changed yet.
CHANGED_RE = re.compile(
    r"(?i)\bfiles?\s+(?:modified|changed|touched|edited|updated|created|added)\b"
    r"|\b(?:modified|changed|touched|edited|created|added)\s+files?\b"
)
# A label standing alone on its line: "**Files Modified:**".
_LABEL_RE = re.compile(r"^\s*+(?:\*\*|__)?([^:*_\n]{3,60}?)(?:\*\*|__)?\s*+:\s*+(?:\*\*|__)?\s*+$")
_CODE_RE = re.compile(r"`([^`\n]{2,200})`")
# A file name: a last segment with an extension of letters (tsconfig.json), or a dotfile (.gitignore).
_FILE_RE = re.compile(
    r"(?<![\w/.-])((?:[\w.-]+/)*(?:[\w-][\w.+-]*\.[A-Za-z][A-Za-z0-9]{0,7}|\.[A-Za-z][\w-]{2,30}))(?![\w/-])"
)
# Documentation and build output: a changed README or wheel is bookkeeping, not work a task plans.
_DOC_EXTENSIONS = frozenset({"md", "mdx", "rst", "txt", "adoc", "whl", "gz", "zip", "jar", "map", "lock"})
_BARREL_NAMES = frozenset({"index", "__init__", "mod"})  # a folder's re-export file comes with the folder
_OUTPUT_FOLDERS = frozenset({"dist", "build", "out", "target", "coverage", "node_modules"})
_MIN_STEM = 5  # "VibeSearchPage" names VibeSearchPage.tsx; "index" or "types" alone names nothing
_MAX_NESTED = 15  # lines of sub-items read per listed file
MAX_FILES = 200  # per document: a longer listing is an inventory, and matching stays linear


@dataclass(frozen=True, slots=True)
class ChangedFile:
    line: int  # where the file is first listed
    path: str  # as written there
    name: str  # last segment, lower case: what another file would call it
    notes: tuple[FollowUp, ...]  # what each listing says was done to it ("- Enabled PyPI publishing")

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path.lower())


def changed_files(doc: Document) -> list[ChangedFile]:
    """The files listed under a "Files Modified" heading (and its sub-headings) or label, once each,
    without documentation and build output."""
    found: dict[str, list[tuple[int, str, FollowUp]]] = {}
    for line, text, nested in _listings(doc):
        listed = _file_of(text, line, nested)
        if listed is None or _bookkeeping(listed[0]):
            continue
        path, note = listed
        name = path.rsplit("/", 1)[-1].lower()
        if name in found or len(found) < MAX_FILES:
            found.setdefault(name, []).append((line, path, note))
    return sorted((ChangedFile(seen[0][0], seen[0][1], name, tuple(n for _l, _p, n in seen))
                   for name, seen in found.items()), key=lambda f: f.line)


def _listings(doc: Document) -> list[tuple[int, str, str]]:
    """Each list item (with its sub-items) and table row under a changed-files heading or label:
    its line, its text and the text nested under it."""
    lines: set[int] = set()
    rows: list[tuple[int, str, str]] = []
    under: set[int] = set()
    for index, section in enumerate(doc.sections):
        if section.parent in under or CHANGED_RE.search(section.title):
            under.add(index)
            lines.update(n for n in range(section.line + 1, section.end_line + 1)
                         if n not in doc.code_lines and ITEM_RE.match(doc.lines[n - 1]))
            rows.extend((line, " | ".join(row), "") for table in doc.tables_in(section)
                        if table.section == index for row, line in zip(table.rows, table.row_lines, strict=False))
    for number, text in enumerate(doc.lines, start=1):
        label = _LABEL_RE.match(text) if ":" in text and number not in doc.code_lines else None
        if label is not None and CHANGED_RE.search(label.group(1)):
            lines.update(list_after(doc, number))
    items = [(line, doc.lines[line - 1], _nested(doc, line)) for line in lines]
    return sorted([*items, *rows])


def _nested(doc: Document, line: int) -> str:
    """The lines indented under the list item on *line* (its sub-items and continuation)."""
    indent = len(doc.lines[line - 1]) - len(doc.lines[line - 1].lstrip())
    found: list[str] = []
    for number in range(line + 1, min(line + _MAX_NESTED, doc.line_count) + 1):
        text = doc.lines[number - 1]
        if text.strip() and len(text) - len(text.lstrip()) <= indent:
            break
        found.append(text)
    return " ".join(found)


def _file_of(text: str, line: int, nested: str) -> tuple[str, FollowUp] | None:
    """The file a list item names first (in a code span, or written plainly), and the words of the
    item and its sub-items without that name."""
    text = text[:500]
    spans = [m.group(1) for m in _CODE_RE.finditer(text)]
    for candidate in [*spans, text]:
        match = _FILE_RE.search(candidate)
        if match is not None:
            path = match.group(1).rstrip(".")
            rest = _CODE_RE.sub(" ", f"{text} {nested}"[:2000]).replace(path, " ")
            return path, item_words(line, rest)
    return None


def _bookkeeping(path: str) -> bool:
    lower = path.lower()
    name = lower.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    return (extension in _DOC_EXTENSIONS or lower.split("/", 1)[0] in _OUTPUT_FOLDERS
            or name.split(".", 1)[0] in _BARREL_NAMES)


def boxes_text(tasks: Document) -> str:
    """The text of every box of the tasks file with its sub-items, lower case (not its summaries)."""
    return "\n".join(" ".join(tasks.lines[i.line - 1:min(i.end_line, i.line + _MAX_NESTED)])[:2000]
                     for i in tasks.items).lower()


def accounted(changed: ChangedFile, texts: list[str], task_stems: list[frozenset[str]]) -> bool:
    """A box or the plan names it (its last segment, or a distinctive name without the extension),
    or a box does what a listing of it says was done."""
    stems = {changed.name.split(".", 1)[0], changed.name.rsplit(".", 1)[0]}  # goal-card, goal-card.test
    names = [changed.name, *(stem for stem in stems if len(stem) >= _MIN_STEM)]
    if any(name in text for name in names for text in texts):
        return True
    return any(_done_by_a_box(note.stems, task_stems) for note in changed.notes)


def _done_by_a_box(note: frozenset[str], task_stems: list[frozenset[str]]) -> bool:
    """A box shares half of the note's words, at least two and at most three ("12 integration tests"
    is not done by every box that tests something)."""
    need = min(3, max(2, math.ceil(len(note) / 2)))
    return len(note) >= need and any(len(note & stems) >= need for stems in task_stems)


def unaccounted(listed: list[ChangedFile], texts: list[str], task_stems: list[frozenset[str]]) -> list[ChangedFile]:
    """Files no other file accounts for, except whole folders of them (two or more files of one
    folder none of whose listed files is accounted for: work the tasks describe in their own words,
    "the locale files")."""
    missing = [f for f in listed if not accounted(f, texts, task_stems)]
    gone: dict[str, int] = defaultdict(int)
    for changed in missing:
        gone[changed.folder] += 1
    in_folder: dict[str, int] = defaultdict(int)
    for changed in listed:
        in_folder[changed.folder] += 1
    return [f for f in missing if not f.folder or gone[f.folder] < 2 or gone[f.folder] < in_folder[f.folder]]


def changes_listed_at(doc: Document) -> int | None:
    """The line of the first heading or label over a list of changed files that names a file."""
    for line, _text, _nested_text in _listings(doc):
        if _FILE_RE.search(doc.lines[line - 1][:500]):
            return _opening_line(doc, line)
    return None


def _opening_line(doc: Document, line: int) -> int:
    """The heading or label line a listing of *line* stands under."""
    for number in range(line - 1, 0, -1):
        text = doc.lines[number - 1]
        label = _LABEL_RE.match(text) if ":" in text else None
        if text.lstrip().startswith("#") or (label is not None and CHANGED_RE.search(label.group(1))):
            return number
    return line
