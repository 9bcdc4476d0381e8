"""Doc-supplied text made inert for GitHub: the one place renderers pass quoted document text through.

A review quotes headings, task lines and evidence from the docs. GitHub renders the sticky
comment and the check run's summary and text as Markdown, then runs its own filters: ``@alice``
and ``@org/team`` notify people, ``#42``, ``owner/repo#42``, ``GH-42`` and issue URLs cross-link
(a "mentioned this" entry on every review), and raw HTML (``</details>``, ``<!-- …``) would open or
close the comment's own blocks. Each function below takes doc-derived text and returns it safe for
one context; secrets are redacted first (``redact``), so escaping cannot hide one from it.

* :func:`plain` — one line, redacted, without control characters or line breaks. For terminals,
  JSON and SARIF: the text itself, nothing GitHub-specific.
* :func:`defuse` — mentions, team mentions, issue and pull request references, issue URLs and the
  comment's hidden markers (``<!-- devdocs-review:…``) made inert with a zero-width joiner
  (U+200D, invisible) after ``@``, ``#``, ``GH-`` or the URL scheme. Used on plain-text GitHub
  fields: check-run annotation messages.
* :func:`escape` — inline Markdown (a list item, a paragraph, with ``cell=True`` a table cell):
  defused prose with Markdown and HTML specials escaped (``<`` → ``&lt;``, ``|`` → ``\\|``);
  the doc's own code spans stay code spans, rebuilt by :func:`code`.
* :func:`code` — a code span no backtick run inside can close early (GitHub neither mentions nor
  links inside code, so its text is only kept from producing a hidden marker).
* :func:`html` — text inside an HTML element (``<summary>``, ``<b>``) or a quoted attribute:
  defused, entity-escaped; :func:`html_rich` keeps the doc's code spans as ``<code>``.
* :func:`fenced` — a fenced code block (ready-to-paste scaffolds) whose fence is longer than any
  backtick run in the text, so no line of it can close the block; :func:`block_text` for a
  ``<pre>`` (the HTML report).
* :func:`url` — a link destination that cannot end the Markdown link early.
* :func:`clip` / :func:`clip_bytes` — GitHub's length limits (check-run title 255 characters,
  annotation message 64 KB), cut at a character boundary with an ellipsis.

The HTML report (rules/render/html.py) uses :func:`html`, :func:`html_rich` and :func:`block_text`;
the GitHub Action's job summary is the Markdown memo. The comment's structure (headings, tables,
``<details>`` blocks) is therefore the renderer's alone, whatever the docs say
(tests/render/test_neutral.py checks it).
"""

from __future__ import annotations

import functools
import html as _html
import re

from rules.core.redact import redact

ZWJ = "\u200d"  # zero-width joiner: invisible, and breaks GitHub's mention and reference patterns

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
CODE_SPAN = re.compile(r"(`+)([^`]|[^`].*?[^`])\1(?!`)")  # a Markdown code span in doc text
_SPECIAL = re.compile(r"([\\`*_\[\]~|])")
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_URL_UNSAFE = str.maketrans({c: f"%{ord(c):02X}" for c in [*" ()<>\"'`", *map(chr, range(32))]})

# @user, @org/team: an "@" after no word character (an e-mail is not a mention), then a login character.
_MENTION = re.compile(r"(?<![A-Za-z0-9_])@(?=[A-Za-z0-9])")
# #42, owner/repo#42 (and "&#64;", whose "#" a later decoding could turn into a reference).
_REFERENCE = re.compile(r"#(?=[0-9])")
_GH_REFERENCE = re.compile(r"(?i)\b(GH-)(?=[0-9])")
# https://github.com/owner/repo/issues/42 (any host: GitHub Enterprise too) and www.… forms.
_ISSUE_URL = re.compile(
    r"(?i)(https?://|www\.)(?=[^\s/]{1,253}/[^\s/]{1,100}/[^\s/]{1,100}/(?:issues|pull|pulls|discussions)/[0-9])"
)
# The comment's own hidden markers: <!-- devdocs-review:sticky -->, <!-- devdocs-review:state …
_MARKER = re.compile(r"(?i)(<!--[ \t]{0,8}devdocs-review)([ \t]{0,8}:)")


@functools.lru_cache(maxsize=8192)
def plain(text: str) -> str:
    """One line of doc-derived text, redacted, without control characters."""
    return CONTROL.sub("", redact(text)).replace("\r", " ").replace("\n", " ").replace("\t", " ").strip()


def defuse(text: str) -> str:
    """*text* with mentions, references, issue URLs and hidden markers made inert (see the module doc)."""
    if "@" in text:
        text = _MENTION.sub(f"@{ZWJ}", text)
    if "#" in text:
        text = _REFERENCE.sub(f"#{ZWJ}", text)
    if "-" in text:
        text = _GH_REFERENCE.sub(rf"\1{ZWJ}", text)
    if "/" in text or "www" in text:
        text = _ISSUE_URL.sub(rf"\1{ZWJ}", text)
    return defuse_markers(text)


def defuse_markers(text: str) -> str:
    """*text* that can no longer spell one of the comment's hidden markers."""
    return _MARKER.sub(rf"\1{ZWJ}\2", text) if "<!--" in text else text


@functools.lru_cache(maxsize=8192)
def escape(text: str, *, cell: bool = False) -> str:
    """Doc-derived text as inert inline Markdown: code spans are kept (rule fixes use them), the
    rest is defused and has Markdown and HTML specials escaped. ``cell``: safe in a table cell."""
    parts: list[str] = []
    position = 0
    source = plain(text)
    for match in CODE_SPAN.finditer(source):
        parts.append(_escape_prose(source[position:match.start()]))
        parts.append(code(match.group(2), cell=cell))
        position = match.end()
    parts.append(_escape_prose(source[position:]))
    return "".join(parts)


def _escape_prose(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", defuse(text).translate(_ENTITIES))


def code(text: str, *, cell: bool = False) -> str:
    """*text* as a code span that no backtick inside it can close early."""
    text = defuse_markers(plain(text))
    fence = "`" * (_longest_run(text, "`") + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") or not text.strip() else text
    span = f"{fence}{padded}{fence}"
    return span.replace("|", "\\|") if cell else span


def html(text: str, *, on_github: bool = True) -> str:
    """Doc-derived text inside an HTML element (``<summary>``) or a quoted attribute, where
    Markdown is not rendered: escaped (quotes too) and, when GitHub renders it, defused. A page of
    its own (the HTML report) passes ``on_github=False``: no one is notified from a file, and the
    text stays exactly as written for copying."""
    return _html.escape(_prose(plain(text), on_github), quote=True)


def html_rich(text: str, *, on_github: bool = True) -> str:
    """Like :func:`html`, with the doc's Markdown code spans shown as ``<code>`` (rule fixes use
    them); nothing else of the text becomes markup."""
    source = plain(text)
    parts: list[str] = []
    position = 0
    for match in CODE_SPAN.finditer(source):
        parts.append(_html.escape(_prose(source[position:match.start()], on_github), quote=True))
        parts.append(f"<code>{_html.escape(defuse_markers(match.group(2)), quote=True)}</code>")
        position = match.end()
    parts.append(_html.escape(_prose(source[position:], on_github), quote=True))
    return "".join(parts)


def _prose(text: str, on_github: bool) -> str:
    return defuse(text) if on_github else defuse_markers(text)


def block_text(text: str) -> str:
    """Multi-line doc-derived text for a code block (Markdown fence or ``<pre>``): redacted,
    control characters removed, hidden markers defused; not escaped."""
    body = CONTROL.sub("", redact(text.replace("\r\n", "\n").replace("\r", "\n"))).rstrip("\n")
    return defuse_markers(body)


def fenced(text: str, info: str = "") -> str:
    """Multi-line doc-derived text as a fenced code block (ending in a newline) that no line of
    the text can close (see :func:`block_text`)."""
    body = block_text(text)
    fence = "`" * max(4, _longest_run(body, "`") + 1)
    return f"{fence}{info}\n{body}\n{fence}\n"


def _longest_run(text: str, char: str) -> int:
    return max((len(run) for run in re.findall(f"{re.escape(char)}+", text)), default=0)


def url(target: str) -> str:
    """A link destination that cannot end the Markdown link early."""
    return target.translate(_URL_UNSAFE)


def clip(text: str, limit: int) -> str:
    """*text* within *limit* characters, cut with an ellipsis."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def clip_bytes(text: str, limit: int) -> str:
    """*text* within *limit* UTF-8 bytes, cut at a character boundary."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[:limit - 3].decode("utf-8", errors="ignore") + "…"
