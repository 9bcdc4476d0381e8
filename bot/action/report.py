"""What the Action leaves in the workflow run: step outputs, the job summary, workflow commands
(annotations and the one warning), and the SARIF and HTML files (pure, but for the file writes).

Workflow commands follow GitHub's escaping (``@actions/core``'s ``command.ts``): in the message,
``%``, ``\\r`` and ``\\n`` become ``%25``, ``%0D``, ``%0A``; in a property also ``:`` and ``,``
become ``%3A`` and ``%2C``. So no text from a doc can end the command's line and start another
(``::add-mask::``, ``::stop-commands::``). Step outputs use the delimiter form
(``name<<ghadelimiter_<uuid>``) with a delimiter that is checked not to occur in the value. The job
summary is Markdown GitHub renders: it is the sticky comment's text (doc text neutralised by
``rules/render/neutral.py``, so nobody is mentioned and nothing cross-links) and lines of our own,
whose only user-supplied parts (logins, paths, GitHub's error text) pass through the same module.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.github.values import CheckAnnotation
from rules.render import neutral
from rules.render.markdown import COMMENT_MARKER

Gate = Literal["passed", "failed", "nothing-to-review"]
OUTPUT_NAMES = ("score", "grade", "gate", "sarif-file", "html-report")
LEVELS = {"failure": "error", "warning": "warning", "notice": "notice"}
TITLE = "devdocs-review"
ANNOTATIONS_PER_KIND = 10  # errors, warnings and notices GitHub shows per step (50 per job)


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line: ``::name key=value,key=value::message``."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value is not None and value != "")
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation_commands(annotations: Iterable[CheckAnnotation]) -> list[str]:
    """The check run's annotations (most severe first) as workflow commands, which GitHub shows on
    the files' lines: at most 10 of a kind per step, so the rest are counted in one notice."""
    lines: list[str] = []
    shown: Counter[str] = Counter()
    left = 0
    for a in annotations:
        level = LEVELS.get(a.annotation_level, "warning")
        if shown[level] >= ANNOTATIONS_PER_KIND - (level == "notice"):  # a notice slot for the count
            left += 1
            continue
        shown[level] += 1
        lines.append(command(level, a.message, file=a.path, line=a.start_line,
                             endLine=a.end_line if a.end_line != a.start_line else None, title=a.title))
    if left:
        lines.append(command("notice", f"{left} more finding(s) are not shown as annotations (GitHub shows "
                                       f"{ANNOTATIONS_PER_KIND} of a kind per step): see the job summary.",
                             title=TITLE))
    return lines


def output_text(values: Mapping[str, str]) -> str:
    """Step outputs for ``$GITHUB_OUTPUT``, each in the delimiter form."""
    lines = []
    for name, value in values.items():
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        if delimiter in value or delimiter in name:  # pragma: no cover - a fresh UUID
            raise ValueError("the output delimiter occurs in the value")
        lines += [f"{name}<<{delimiter}", value, delimiter]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True, slots=True)
class Summary:
    """The parts of the job summary."""

    review: str  # the sticky comment's Markdown, or a line saying why there is none
    not_published: str | None = None  # why the PR has no comment / check run from this run
    replies: Sequence[str] = ()  # replies to a command that could not be posted
    html_report: str | None = None  # the report's file name
    run_url: str | None = None  # the run's page, whose artifacts include the report


def summary_markdown(summary: Summary) -> str:
    parts = []
    if summary.not_published:
        parts.append(f"> [!WARNING]\n> **Not published on the pull request:** {neutral.escape(summary.not_published)}."
                     " The review is below and in this run's annotations.\n")
    parts.append(summary.review.replace(COMMENT_MARKER + "\n", "").strip() + "\n")
    for reply in summary.replies:
        quoted = "\n".join(f"> {line}" for line in neutral.defuse(reply).splitlines())
        parts.append(f"**Reply (not posted):**\n\n{quoted}\n")
    if summary.html_report:
        name = neutral.code(Path(summary.html_report).name)
        where = (f"the [artifacts of this run]({neutral.url(summary.run_url)}#artifacts)" if summary.run_url
                 else "this run's artifacts")
        parts.append(f"📄 The HTML report {name} is in {where} (when the workflow uploads it).\n")
    return "\n".join(parts)


def nothing_markdown(why: str) -> str:
    return f"## 📋 {TITLE}: nothing to review\n\n{neutral.escape(why)}.\n"


def append(path: Path, text: str) -> None:
    """Append to a runner file (``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY``)."""
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


def write(path: Path, text: str) -> None:
    if path.parent != Path("."):
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
