"""File paths written in prose or code spans (not as Markdown links): what LNK002 checks.

A line is split into tokens at whitespace, backticks, quotes, brackets and parentheses, commas and
semicolons; Markdown links and autolinks are removed first (LNK001 checks those). A token is a
path mention when it names a file: a last segment with an extension of letters, and either a
folder part (``src/auth/session.py``, ``../other-task/REPORT.md``) or the ``.md`` extension of a
document (``tasks.md``). Everything else is left alone, on purpose:

* URLs and host names (``https://…``, ``github.com/owner/repo/blob/…``), absolute paths
  (``/etc/nginx/nginx.conf``, ``/api/users.json``: a route or another machine), home paths (``~/``),
  scoped packages (``@scope/pkg/index.js``), environment variables (``$HOME/x.md``);
* globs and placeholders: ``*``, ``?``, ``<task>``, ``{name}``, ``…``, ``...``, ``YYYY``, ``XXX``,
  a lone ``N`` or ``X`` (``step-N.md``);
* versions and numbers (``v1.2.3``), Python modules (``app.models.user``), ``key=value``.

Each token is classified by its own characters (a linear scan); no regex spans tokens.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from rules.core.model import Document, innermost_section
from rules.core.phases import ancestors

_LINK_TARGET_RE = re.compile(r"\]\([^()\n]*\)")  # no parenthesis inside: each character is scanned once
_AUTOLINK_RE = re.compile(r"<[a-z][a-z0-9+.-]{1,20}:[^<>\s]*>")
_REFERENCE_DEF_RE = re.compile(r"^\s{0,3}\[[^\]\n]{1,200}\]:")
_TOKEN_RE = re.compile(r"[^\s`'\"()\[\],;|]+")
_LEAD = "*_~"  # emphasis before a token
_TRAIL = ".:!?*_~"  # sentence punctuation and emphasis after it
_FORBIDDEN = frozenset("<>{}*?$=@~\\%…^!")
_PLACEHOLDER_RE = re.compile(r"x{3,}|y{4}|n{3,}|\.\.\.|^_+$|(?:^|[-_/])[NXnx](?=[-_./]|$)", re.IGNORECASE)
_LAST_SEGMENT_RE = re.compile(r"[\w.+-]*[\w+-]\.([A-Za-z][A-Za-z0-9]{0,7})")
_LINE_SUFFIX_RE = re.compile(r"(?::\d+){1,2}$|:L?\d+-L?\d+$|#.*$")


# Words saying a file is still to come (to create, add, move, rename or delete), in the line, the
# line introducing its list or table, or a heading above it.
_PROSPECTIVE_RE = re.compile(
    r"\b(?:creat(?:e|es|ing)\b|add(?:ing)?\b|new\b|will\b|to be\b|planned|future|scaffold|introduc(?:e|ing)\b|"
    r"write\b|renam(?:e|ing)\b|mov(?:e|ing)\b|propos|draft|todo\b|tbd\b|missing|delet|remov)"
    # the same in the teams' other languages: 생성 / 신규 / 예정 (to create, new, planned), 新建 / 新增 / 创建,
    # 作成 / 新規 / 予定, do utworzenia / nowy
    r"|생성|신규|예정|新建|新增|创建|作成|新規|予定|\butworz|\bnow(?:y|e|a)\b",
    re.IGNORECASE)
# The literal each of its words starts with (lower case): a line without any has no creation word.
_CUE_STARTS = ("creat", "add", "new", "will", "to be", "planned", "future", "scaffold", "introduc", "write",
               "renam", "mov", "propos", "draft", "todo", "tbd", "missing", "delet", "remov",
               "생성", "신규", "예정", "新建", "新增", "创建", "作成", "新規", "予定", "utworz", "now")
# What a ticked box did to a file that leaves it gone from where it was: removed, retired, archived or
# moved away ("primary-coordinator.md 아카이브 이동"); 삭제 / 제거 / 이동 / 删除 / 移除 / 归档.
_REMOVAL_RE = re.compile(r"\b(?:delet|remov|drop(?:ped|s)?\b|retir|deprecat|archiv|moved?\b)|삭제|제거|아카이브|이동"
                         r"|删除|移除|归档", re.IGNORECASE)
# A note store outside the repository: files named in a list about one live there, not in the tree
# ("Reviewed the 5 analysis notes in Obsidian:" over "- module-analysis.md").
_ELSEWHERE_RE = re.compile(
    r"(?i)\b(?:obsidian|notion|confluence|google (?:docs?|drive)|gdrive|sharepoint|onedrive|dropbox|vault|wiki)\b"
    r"|옵시디언|노션|컨플루언스")
_ELSEWHERE_REACH = 12  # lines of the same list read upwards for such a word
_CODE_SPAN_RE = re.compile(r"`[^`\n]*`")
# A heading over the map of the files the work is about, which exist: "Key Files", "Critical files", "핵심 파일".
_KEY_FILES_RE = re.compile(r"(?i)\b(?:key|critical|important|core|main|relevant)\s+(?:source\s+)?files\b"
                           r"|핵심\s*파일|주요\s*파일|关键文件|核心文件|主要文件")
# A line saying its file exists and was (or is to be) changed: "| `ci.yml` | Modify |", "Updated `x.py`".
_MODIFIED_RE = re.compile(r"\b(?:modif(?:y|ied|ies|ying)|updated?|edit(?:ed|s)?|changed)\b", re.IGNORECASE)
_DONE_BOX_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\[[xX]\]")
_OPEN_BOX_RE = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\[ \]")
_BLOCK_LINE_RE = re.compile(r"^\s*(?:[-*+]\s|\d{1,3}[.)]\s|\|)|^\s+\S|^\s*$")  # list item, table row, continuation


@dataclass(frozen=True, slots=True)
class Mention:
    text: str  # as written (without a line suffix or anchor)
    line: int
    bare: bool  # a file name without a folder part (only .md documents)


def mentions(doc: Document) -> Iterator[Mention]:
    """Path mentions of *doc*'s lines outside code blocks. Only lines holding a slash or ``.md`` (in
    any case) can hold one: those are found with two scans of the whole text."""
    for number in doc.lines_containing(("/", ".md")):
        line = doc.lines[number - 1]
        if number in doc.code_lines or _REFERENCE_DEF_RE.match(line):
            continue
        text = _without_links(line)
        commands = _command_spans(text) if "../" in text and "`" in text else ()
        for match in _TOKEN_RE.finditer(text):
            token = match.group()
            if "/" not in token and "." not in token:
                continue  # a word: a path has a folder part or an extension (most tokens end here)
            path = _path(token)
            if path is None or (path.startswith("../") and any(a <= match.start() < b for a, b in commands)):
                continue  # `cd build && source ../env.sh`: relative to where the command runs, not to the document
            yield Mention(path, number, "/" not in path)


def _command_spans(text: str) -> list[tuple[int, int]]:
    """Where *text*'s code spans holding a command (several words) are: a relative path in one is
    relative to the command's working folder, which the document does not give."""
    return [match.span() for match in _CODE_SPAN_RE.finditer(text) if len(match.group().split()) > 1]


def _without_links(line: str) -> str:
    """*line* without Markdown links (text and target: LNK001 checks those) and autolinks. Each
    link's text runs back from its ``](`` to the last ``[`` after the previous link: linear."""
    if "<" in line:
        line = _AUTOLINK_RE.sub(" ", line)
    if "](" not in line:
        return line
    parts: list[str] = []
    done = 0
    for match in _LINK_TARGET_RE.finditer(line):
        opening = line.rfind("[", done, match.start())
        parts.append(line[done:opening if opening >= 0 else match.start()])
        parts.append(" ")
        done = match.end()
    parts.append(line[done:])
    return "".join(parts)


def _path(token: str) -> str | None:
    token = token.lstrip(_LEAD).rstrip(_TRAIL)
    token = _LINE_SUFFIX_RE.sub("", token)
    while token.startswith("./"):
        token = token[2:]
    if not token or token.startswith("/") or "//" in token or ":" in token:
        return None
    if not _FORBIDDEN.isdisjoint(token) or _PLACEHOLDER_RE.search(token):
        return None
    segments = token.split("/")
    last = segments[-1]
    ext = _LAST_SEGMENT_RE.fullmatch(last)
    if ext is None:
        return None
    if len(segments) == 1:
        return token if ext.group(1).lower() in ("md", "mdx") else None
    first = segments[0]
    if first not in ("..", ".") and "." in first.strip("."):  # a host name: github.com/…, docs.python.org/…
        return None
    if any(s == "" for s in segments):
        return None
    return token


def is_document(name: str) -> bool:
    return name.lower().endswith((".md", ".mdx"))


def prospective(doc: Document, line: int) -> bool:
    """Whether *line* is about files still to come: an open checkbox; a creation word in the line,
    in the line introducing its list or table, or in a heading above it; a section still open.
    A ticked checkbox is not, unless it removed the file: what it created exists by now, what it
    deleted is gone."""
    text = doc.lines[line - 1]
    if _DONE_BOX_RE.match(text) is not None:
        return _REMOVAL_RE.search(text) is not None
    if _OPEN_BOX_RE.match(text) is not None or _has_cue(text):
        return True
    intro_cues, section_cues = doc.derive(_cues)
    if intro_cues[line - 1]:
        return True
    index = innermost_section(doc.sections, line)
    return index is not None and section_cues[index]


def open_box(doc: Document, line: int) -> bool:
    """Whether *line* is an open checkbox (``- [ ] …``, ``1. [ ] …``)."""
    return _OPEN_BOX_RE.match(doc.lines[line - 1]) is not None


def records_existing(doc: Document, line: int) -> bool:
    """Whether *line* records its files as existing: a ticked box that made or changed them (not one
    that removed them), or a line or table row, not an open box, saying they are modified ("Modify",
    "Updated")."""
    text = doc.lines[line - 1]
    if _DONE_BOX_RE.match(text) is not None:
        return _REMOVAL_RE.search(text) is None
    if _OPEN_BOX_RE.match(text) is not None:
        return False  # an open "Update x.py" may follow the box that creates it
    return _MODIFIED_RE.search(_CODE_SPAN_RE.sub(" ", text)) is not None


def under_key_files(doc: Document, line: int) -> bool:
    """Whether *line* lies in a section that maps the work's existing files ("Key Files", "핵심 파일"),
    and its own part of that map names no file still to come: a map that marks some files "(to be
    created)" is of work not yet done, and its other files may be new as well."""
    innermost = innermost_section(doc.sections, line)
    return (any(_KEY_FILES_RE.search(section.title) for section in ancestors(doc, innermost))
            and innermost not in doc.derive(_sections_with_cued_lines))


def _sections_with_cued_lines(doc: Document) -> frozenset[int]:
    """The sections holding, in their own lines (not a sub-section's), a line with a creation word."""
    return frozenset(index for number in doc.lines_containing(_CUE_STARTS) if _has_cue(doc.lines[number - 1])
                     if (index := innermost_section(doc.sections, number)) is not None)


def elsewhere(doc: Document, line: int) -> bool:
    """Whether *line*, a line above it in the same list (up to ``_ELSEWHERE_REACH``), the line
    introducing that list or the heading over it names a note store outside the repository."""
    for number in range(line, max(0, line - _ELSEWHERE_REACH), -1):
        text = doc.lines[number - 1]
        if _ELSEWHERE_RE.search(_CODE_SPAN_RE.sub(" ", text)):
            return True
        if number < line and not _BLOCK_LINE_RE.match(text):
            break  # the line introducing the list (read above), or a heading: the list ends here
    index = innermost_section(doc.sections, line)
    return index is not None and _ELSEWHERE_RE.search(doc.sections[index].title) is not None


def _cues(doc: Document) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """Per line: whether the line introducing its list or table has a creation word; per section:
    whether it or a section above it is still open or has one in its title. One pass each."""
    intro: list[bool] = []
    cue = False
    worded = set(doc.lines_containing(_CUE_STARTS))  # the other lines have no creation word
    for number, text in enumerate(doc.lines, start=1):
        if _BLOCK_LINE_RE.match(text):
            intro.append(cue)
        else:
            intro.append(False)
            cue = number in worded and _has_cue(text)
    sections: list[bool] = []
    for section in doc.sections:  # a parent comes before its children
        own = (section.status is not None and section.status.is_open) or _has_cue(section.title)
        sections.append(own or (section.parent is not None and sections[section.parent]))
    return tuple(intro), tuple(sections)


def _has_cue(text: str) -> bool:
    """A creation word in *text*'s prose: code spans and path-like words (``MISSING.md``) do not count."""
    if _PROSPECTIVE_RE.search(text) is None:
        return False
    prose = " ".join(w for w in _CODE_SPAN_RE.sub(" ", text).split() if "/" not in w and "." not in w.rstrip(".,:;!?"))
    return _PROSPECTIVE_RE.search(prose) is not None
