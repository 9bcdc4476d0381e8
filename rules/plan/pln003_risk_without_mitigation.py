"""PLN003 risk-without-mitigation."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from rules.core.finding import Category, Finding, Severity
from rules.core.mitigations import counters_inline
from rules.core.model import Document, Section, Table, TaskDocs
from rules.core.phases import quoted_some
from rules.core.rule import Rule, RuleContext
from rules.core.sections import risk_headings, snippet, synonyms
from rules.core.size import scaled_to_size
from rules.core.vocabulary import MITIGATION_WORDS, RISK_WORDS

_MITIGATION_RE = re.compile(
    r"(?i)mitigat|→|⇒|(?<!-)->|\bcontingenc|\bfall ?back|\bworkaround|\bcountermeasure|\bplan b\b"
    r"|\b(?:addressed|handled) by\b|\b(?:response|action|solution|remedy)\s*+\**+\s*+[:：]"
    r"|меры\b|" + "|".join(w for w in MITIGATION_WORDS if w != "меры")
)
_RISK_ITEM_RE = re.compile(r"(?i)^\W*(?:risk|r|" + "|".join(RISK_WORDS) + r")\w{0,3}\s*#?\d+\b|^\W*risk\s*[:：—–-]")
_RISK_ATTRS_RE = re.compile(r"(?i)\b(?:likelihood|probability|impact|severity)\b\s*+\**+\s*+[:：]")
_BULLET_RE = re.compile(r"^ ?(?:[-*+]|\d+[.)])\s+(.*)")
_ATTR_RE = re.compile(
    r"(?i)^\W*(?:likelihood|probability|impact|severity|status|owner|trigger|detection)\W{0,3}[:：(]"
)
_MITIGATION_LABEL_RE = re.compile(
    r"(?i)^\W*(?:mitigat|(?:contingency|response|fall ?back|actions?|plan|"
    + "|".join(MITIGATION_WORDS) + r")\w*\W{0,3}[:：])"
)
_LABEL_ONLY_RE = re.compile(r"^\W*[^\W\d][\w ]{0,40}?\W{0,3}[:：]\W*$")  # a label with nothing after it
_MITIGATIONS = synonyms("^(?:mitigations?|mitigation strateg(?:y|ies)|contingenc(?:y|ies)|меры|"
                        + "|".join(rf"\S*{w}\w*" for w in MITIGATION_WORDS) + ")")
# A risk item that names the risk, then, after a dash or a semicolon, what is done about it:
# "**Runner compromised** — network-isolated, disposable; credentials rotated weekly". Only the part
# after the separator is read, for the participles and nouns of a countermeasure, and never when it
# negates ("not tested", "no retry"): that part is the treatment, not the risk's description.
_TREATMENT_SPLIT_RE = re.compile(r"\s[—–]\s|\s--?\s|;\s")
_TREATMENT_RE = re.compile(
    r"(?i)\b(?:(?:unit[- ]|e2e[- ])?tested|gated|pinned|isolated|sandboxed|retr(?:y|ies|ied)|timeouts?"
    r"|monitored|alerts? on|rolled back|roll ?back|reverted|feature[- ]flag(?:ged)?|behind a (?:feature )?flag"
    r"|reviewed|validated|verified|backed up|backups?|capped|rate[- ]limited|allow-?listed|default[- ]off"
    r"|read[- ]only|idempotent|canary|staged rollout|kill[- ]switch|circuit[- ]breaker|checksums?)\b"
)
_NEGATION_RE = re.compile(r"(?i)\b(?:not|no|never|without|un\w+ed)\b|n't\b")
_UNMITIGATED_RE = re.compile(r"(?i)\bno mitigation|mitigation\W{0,4}(?:tbd|todo|none|pending|n/a|\?)")
_NO_RISK = synonyms("no risks?", "non risks?")
_NAME_COLUMNS = ("risk", "threat", "issue", "concern", *RISK_WORDS)
_MITIGATION_COLUMNS = ("mitigat", "response", "countermeasure", "contingenc", "action", "plan",
                       *MITIGATION_WORDS)
_EMPTY = frozenset({"", "-", "—", "–", "?", "tbd", "tba", "todo", "n/a", "na", "none"})


class RiskWithoutMitigation(Rule):
    """A risk in the plan has no mitigation.

    A risk table with probability (or likelihood), impact, mitigation and status columns is best;
    prose risks (``### Risk 1: …`` sub-sections, bullets) are fine when each carries a mitigation
    (a ``Mitigation:`` line or bullet, "mitigate", "→", or a countermeasure after a dash in the same
    item: ``**Runner compromised** — network-isolated; secrets read-only``, or a later sentence of
    the item that acts or sets a rule: ``… load asynchronously. Use document.fonts.ready first``, or
    the text after a bold label that names the risk, when it opens with an action: ``**Bundle size**:
    Monitor for bloat.``).
    A risk named on a line of its own (``**Risk 2: Slow imports** (High)``) owns the bullets under
    it, and one of them that mitigates covers it. Reported: a risk table without a mitigation
    column, a row with an empty mitigation, a prose risk without one. Bullets marked ✅ and "No risk"
    sections are reassurances, not risks. When the folder states work of one session at most
    (rules/core/size.py), the finding is info only.

    Why: a risk without a mitigation is a worry, not a plan; the reader cannot tell whether anyone
    will act before it happens.

    Bad:
        ## Risks
        | Risk | Impact |
        |------|--------|
        | Index drifts from the database | High |

    Good:
        ## Risks
        | Risk | Probability | Impact | Mitigation | Status |
        |------|-------------|--------|------------|--------|
        | Index drifts from the database | Medium | High | Nightly reconciliation job | Open |
    """

    code = "PLN003"
    name = "risk-without-mitigation"
    category = Category.PLAN
    severity = Severity.MEDIUM
    rationale = "A risk without a mitigation tells the reader what may go wrong but not what anyone will do."
    fix = "Add a mitigation for each risk (a Mitigation column, or a `Mitigation:` line under each risk)."
    effort_minutes = 10

    def check(self, task: TaskDocs, ctx: RuleContext) -> Iterator[Finding]:
        doc = task.plan
        if doc is None:
            return
        yield from scaled_to_size(self, task, self._sections(task, doc))

    def _sections(self, task: TaskDocs, doc: Document) -> Iterator[Finding]:
        done: Section | None = None  # the last risk section reported on; the next may be inside it
        for section in risk_headings(doc):
            if done is None or not done.contains(section.line):
                done = section
                yield from self._section(task, doc, section)

    def _section(self, task: TaskDocs, doc: Document, section: Section) -> Iterator[Finding]:
        tables = [t for t in doc.tables_in(section) if _is_risk_table(t)]
        gaps: list[tuple[int, str, str]] = []  # (line, risk, message) of each risk left without a mitigation
        for table in tables:
            if table.column(*_MITIGATION_COLUMNS) is None:
                columns = ", ".join(repr(h) for h in table.header)
                yield self.finding(task, doc, table.line, f"Risk table ({columns}) has no mitigation column.",
                                   key=f"risk:{'|'.join(table.header).lower()}")
            else:
                gaps += _table_gaps(table)
        inner = doc.sections_within(section)
        separate = any(_MITIGATIONS.search(s.key) for s in inner)  # a "Mitigation" section covers the prose risks
        prose = [] if separate else list(_prose_risks(doc, section, inner))
        gaps += [(line, name, f"Risk {name!r} has no mitigation.") for line, name, covered in prose if not covered]
        if gaps:
            yield self._gaps(task, doc, section, gaps)
        if separate:
            return
        body = "\n".join(doc.body(section))
        if not tables and not prose and body.strip() and not _mitigated(body):
            message = f"Section {section.title!r} describes risks but no mitigation for any of them."
            yield self.finding(task, doc, section.line, message, key=f"section:{section.key}")


    def _gaps(self, task: TaskDocs, doc: Document, section: Section, gaps: list[tuple[int, str, str]]) -> Finding:
        """One finding for the risks of *section* left without a mitigation, at the first, naming
        every one and deducting what they would one by one (several shortcomings of one list)."""
        line, name, message = gaps[0]
        if len(gaps) > 1:
            message = (f"{len(gaps)} risks under {section.title!r} have no mitigation: "
                       f"{quoted_some([gap[1] for gap in gaps])}.")
        return self.finding(task, doc, line, message, key=f"risk:{name}",
                            effort_minutes=min(self.effort_minutes * len(gaps), 60),
                            penalty=self.grouped_penalty(len(gaps)),
                            related=[(doc, gap[0]) for gap in gaps[1:]])


def _is_risk_table(table: Table) -> bool:
    return (table.column(*_NAME_COLUMNS) is not None
            or table.column("probability", "likelihood", "impact", "severity") is not None)


def _table_gaps(table: Table) -> Iterator[tuple[int, str, str]]:
    """(line, risk, message) of each row of a table with a mitigation column that leaves it empty."""
    name_col = table.column(*_NAME_COLUMNS) or 0
    mitigation = table.column(*_MITIGATION_COLUMNS)
    for row, line in zip(table.rows, table.row_lines, strict=False):
        name = row[name_col].strip() if name_col < len(row) else ""
        cell = row[mitigation] if mitigation is not None and mitigation < len(row) else ""
        if cell.strip(" *_`").lower() in _EMPTY and name:
            yield line, name, f"Risk {name!r} has an empty mitigation."


def _prose_risks(doc: Document, root: Section, inner: Sequence[Section]) -> Iterator[tuple[int, str, bool]]:
    """(line, name, has a mitigation) for each prose risk: ``### Risk 1`` sub-sections, bullets."""
    individual: Section | None = None  # the last risk sub-section; the next sections may be inside it
    for position, section in enumerate((root, *inner)):
        if (individual is not None and individual.contains(section.line)) or _NO_RISK.search(section.key):
            continue
        text = "\n".join(doc.body(section))  # not the heading: "(mitigation pending)" there is none
        if section is not root and (_RISK_ITEM_RE.match(section.title) or _RISK_ATTRS_RE.search(text)):
            individual = section
            yield section.line, section.title, _mitigated(text)
        else:
            stop = inner[position].line - 1 if position < len(inner) else section.end_line  # up to the next heading
            yield from _bullet_risks(doc, section.line + 1, stop)


def _bullet_risks(doc: Document, start: int, stop: int) -> Iterator[tuple[int, str, bool]]:
    """Top-level bullets are risks; ``Mitigation:`` bullets and nested lines cover the one above.

    A risk named on a line of its own (``**Risk 2: Slow imports** (High)``) owns the bullets under
    it: they are its details, and any of them that mitigates covers it."""
    found: list[tuple[int, str]] = []
    covered: list[bool] = []
    bodies: list[str] = []  # each risk item's text with its continuation lines
    all_before = 0  # bullets found[:all_before] are covered by a "Mitigation: …" line after them
    owner = False  # the bullets belong to the risk named on the line above them
    measures = False  # the bullets list the measures of a "**Mitigation:**" label above them
    for number in range(start, stop + 1):
        text = doc.line_text(number)
        match = _BULLET_RE.match(text)
        if match is None:
            if covered and text.startswith((" ", "\t")):
                bodies[-1] += " " + text.strip()
                covered[-1] = covered[-1] or _mitigated(text)  # a nested line under the risk
            elif _MITIGATION_LABEL_RE.match(text):
                all_before = len(covered)  # "Mitigation: …" after the list covers all of it
                owner = False
                measures = _LABEL_ONLY_RE.match(text) is not None  # "**Mitigation:**" and its list below
            elif _RISK_ITEM_RE.match(text.strip("*_ ")):
                found.append((number, snippet(text.strip("*_ "), 60).strip("*_` ")))
                covered.append(_mitigated(text))
                bodies.append("")
                owner = True
                measures = False
            elif text.strip():
                owner = measures = False
        elif measures:
            continue  # a measure, not a risk: "**Mitigation:**" then "- Start outreach early"
        elif owner:
            if _mitigated(body := match.group(1).strip()) or _MITIGATION_LABEL_RE.match(body):
                covered[-1] = True
        elif _MITIGATION_LABEL_RE.match(body := match.group(1).strip()):
            if covered:
                covered[-1] = True
        elif not _ATTR_RE.match(body) and not body.startswith(("✅", "✔")):
            found.append((number, snippet(body, 60).strip("*_` ")))
            covered.append(_mitigated(body) or _treated_in_item(body))
            bodies.append(body)
    for index, ((line, name), ok, body) in enumerate(zip(found, covered, bodies, strict=True)):
        yield line, name, ok or index < all_before or counters_inline(body)


def _mitigated(text: str) -> bool:
    return _MITIGATION_RE.search(text) is not None and _UNMITIGATED_RE.search(text) is None


def _treated_in_item(text: str) -> bool:
    """The item goes on, after a dash or a semicolon, with a countermeasure (see _TREATMENT_RE)."""
    parts = _TREATMENT_SPLIT_RE.split(text, maxsplit=1)
    return len(parts) == 2 and bool(_TREATMENT_RE.search(parts[1])) and not _NEGATION_RE.search(parts[1])
