"""Risk mitigations as actions, and whether any other line of a task names the action (DOC036).

A mitigation is read from a risk section of the plan or the context (a heading such as ``Risks``,
``Risk Assessment``, ``Technical Risks``):

* a cell of a risk table's mitigation column (``| Risk | Impact | Mitigation |``);
* the text after a ``Mitigation:`` label (``**Mitigation:** Rehearse the migration on a restored
  backup``), or, when the label stands alone, each bullet right under it.

Only mitigations that open with a concrete action (``Document …``, ``Rehearse …``) or name an
artifact a task would build in their first words (``Optional connectivity check``) are judged;
design principles ("Keep it simple", "Exact match on names") are not actions.

A mitigation is split into its actions at commas (``Implement queuing, backoff``); each action
ends at a condition of time or its means (``… before applying``, ``… via logging``). A line of the
folder outside the risk sections names an action when:

* the action opens with a specific verb (test, validate, rehearse, rotate…; track, monitor and log
  are one) and the line repeats it with one more of its words, or names three of its words; or,
  for a generic verb (add, implement, document…) or none, the line holds two of its words (the one
  word of a one-word action after a comma);
* and, when the action has words its risk does not use, the line holds one of them: in ``Schema
  migration | Test migration on a copy of production data`` a task "Test migration" restates the
  risk, not the mitigation.

Only ASCII words count, so a mitigation in a script without word spaces is never judged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rules.core.model import Document, Section
from rules.core.phase_identity import WordStems, stem
from rules.core.sections import risk_headings

_LABEL_RE = re.compile(r"(?i)^\W*mitigat(?:ion|ions|ed by)\b\W{0,4}(?:\s*\(\w+\))?\W{0,4}[:：]\**\s*(.*)$")
_BULLET_RE = re.compile(r"^(\s*)(?:[-*+]|\d{1,2}[.)])\s+(?!\[[ xX]\])(.*)$")
_WORD_RE = re.compile(r"[A-Za-z][a-z]+|[A-Z]+(?![a-z])")
_MITIGATION_COLUMNS = ("mitigat", "countermeasure", "response", "contingenc")
_NAME_COLUMNS = ("risk", "threat", "issue", "concern")
# A mitigation is judged only when it opens with a concrete action a task would carry out ("Document the
# required scopes", "Test the migration on a copy of production data"). Design principles and
# properties ("Keep it simple", "Exact match on service name", "Incremental changes") are not actions.
_GENERIC_VERBS = ("add|write|document|create|build|implement|run|provide|include|check|update|configure|enable"
                  "|set up")
_SPECIFIC_VERBS = ("test|validate|verify|benchmark|review|audit|log|monitor|alert|pin|back ?up|migrate|store"
                   "|cache|grep|measure|profile|rehearse|automate|notify|communicate|announce|record|track"
                   "|schedule|limit|throttle|encrypt|sanitize|sanitise|escape|retry|require|enforce|restrict"
                   "|rotate|deprecate|remove|compare|prototype|evaluate|investigate|confirm|coordinate|consult"
                   "|ask|request|train|snapshot|export|seed|mock|simulate|stage|dry[- ]run|load[- ]test|spike"
                   "|flag|gate|lock")
_ACTION_RE = re.compile(rf"(?i)^\W*(?:we(?:'ll| will)\s+)?({_GENERIC_VERBS}|{_SPECIFIC_VERBS})\b")
# A sentence that says what is done about a risk described before it, inside one risk item: it opens with
# an action ("Use `document.fonts.ready` before routing", "Test on iOS Safari before shipping") or sets a
# rule ("The tracer must not mount until the font is ready", "Do not rename it", "the audit in Phase 3 is not
# optional").
_COUNTER_OPENING = (rf"^\W*(?:we(?:'ll| will)\s+)?(?:{_GENERIC_VERBS}|{_SPECIFIC_VERBS}|use|wait|keep|avoid|ensure"
                    r"|guard|wrap|fall ?back|defer|debounce|do not|don't|never)\b")
_COUNTER_OPENING_RE = re.compile("(?i)" + _COUNTER_OPENING)
_COUNTER_SENTENCE_RE = re.compile(
    rf"(?i){_COUNTER_OPENING}|\b(?:must|should|needs? to|will need|is not optional|before shipping)\b"
)
# A risk item that names its risk in a bold label and says what is done about it after the colon:
# "**Bundle size**: Monitor for bloat." (the first sentence after the label is the countermeasure).
_BOLD_LABEL_RE = re.compile(r"^\W*(?:\*\*|__)[^*_\n]{1,60}(?:\*\*|__)\s*[:：]\s*")
# A sentence ends at . ! or ? and any closing marks after it: '"rewrite the bot."', '**Engine drift.**'.
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])[\"'”’)\]*_`]*\s+(?=\S)")


def counters_inline(text: str) -> bool:
    """Whether a risk item, after the sentence that describes the risk (or after the bold label that
    names it), says what is done about it."""
    label = _BOLD_LABEL_RE.match(text)
    if label is not None and _COUNTER_OPENING_RE.match(text[label.end():]):
        return True
    return any(_COUNTER_SENTENCE_RE.search(sentence) for sentence in _SENTENCE_END_RE.split(text)[1:])
# …or names an artifact a task would build: "Optional connectivity check", "Rollback script per release".
_ARTIFACT_RE = re.compile(
    r"(?i)^\W*(?:[\w-]++\s++){0,3}(?:checks?|helpers?|scripts?|alerts?|backups?|guards?|runbooks?|changelog"
    r"|rollback|fallback|dashboards?|smoke tests?|unit tests?|integration tests?|load tests?|feature flags?)\b"
)
_SPECIFIC_RE = re.compile(rf"(?i)^(?:{_SPECIFIC_VERBS})$")
# The action stops at a condition of time or at its means ("Validate the config before applying it",
# "Track costs via logging": the check and the tracking are the actions).
_CONDITION_RE = re.compile(r"(?i)\s(?:before|after|when|whenever|during|while|until|prior to|via|using)\s[^,;]*")
_WATCH = ("track", "monito", "log", "record", "measur", "watch")  # one action under several verbs
_PARTS_RE = re.compile(r"[,;+]\s|\s\+\s")
_BRACKETS_RE = re.compile(r"\([^()\n]{0,120}\)")
_MAX_CHARS = 300  # of one mitigation: a longer cell is prose, and its first actions are read
_MAX_PARTS = 6
_MAX_CANDIDATES = 400  # lines read per action and document (see named_in)
_MAX = 40  # mitigations per document: a longer register is read only in part, and matching stays linear
_FILLER_WORDS = """
    the and for with from into onto that this these those what when where which while will would should
    could can may might must need needs needed also add adds added use uses using used make makes have has
    are was were been being about after before more less some any all each other than then there their
    them they its our your via per not only just both either every once new existing first always never
    implement implemented implementing implementation ensure ensures provide provided providing handle
    handled handling proper properly clear clearly good better early regular regularly careful carefully
    possible possibly option optional options keep kept based etc like such within without between
    get gets create creates put take do does done risk risks issue issues mitigation mitigate low medium high if set up
"""
_FILLER = frozenset(_FILLER_WORDS.split())
# Stems of the meaningful ASCII words of a text (``threading.Lock`` → ``thread``, ``lock``).
word_stems = WordStems(_WORD_RE, _FILLER)


@dataclass(frozen=True, slots=True)
class Part:
    """One action of a mitigation: its verb when a line must repeat it, its other words, and those
    of them its risk does not already use."""

    verb: tuple[str, ...]  # the stems of a specific verb and its synonyms ("valida"); () for add, implement, …
    words: frozenset[str]
    new: frozenset[str]  # words - the risk's words


@dataclass(frozen=True, slots=True)
class Mitigation:
    line: int
    text: str  # the mitigation as written (one cell, one label's text or one bullet)
    section: Section  # the top-most risk section holding it
    parts: tuple[Part, ...]  # its comma-separated actions, each of which a line may name


def risk_sections(doc: Document) -> list[Section]:
    """The top-most risk sections of *doc* (a ``Risks`` heading, not its sub-sections again)."""
    found: list[Section] = []
    for section in risk_headings(doc):
        if not (found and found[-1].contains(section.line)):
            found.append(section)
    return found


def mitigations(doc: Document) -> tuple[Mitigation, ...]:
    """Every mitigation of *doc*'s risk sections with at least two action words (computed once)."""
    return doc.derive(_mitigations)


def _mitigations(doc: Document) -> tuple[Mitigation, ...]:
    found: list[Mitigation] = []
    for section in risk_sections(doc):
        for line, risk, text in (*_table_mitigations(doc, section), *_labelled_mitigations(doc, section)):
            text = text.strip(" *_`")
            if not (_ACTION_RE.match(text) or _ARTIFACT_RE.match(text)):
                continue
            parts = _parts(text, word_stems(risk))
            if parts:
                found.append(Mitigation(line, text, section, parts))
    found.sort(key=lambda m: m.line)
    return tuple(found[:_MAX])


def _parts(text: str, risk: frozenset[str]) -> tuple[Part, ...]:
    """The actions of a mitigation worth matching: a part names a specific verb and one more word, or
    two words (one word alone matches too much to tell anything)."""
    main = _CONDITION_RE.sub("", _BRACKETS_RE.sub(" ", text[:_MAX_CHARS]))
    found = []
    for index, chunk in enumerate(_PARTS_RE.split(main)[:_MAX_PARTS]):
        match = _ACTION_RE.match(chunk) if index == 0 else None
        verb = match.group(1) if match and _SPECIFIC_RE.match(match.group(1)) else None
        words = word_stems(chunk[match.end():] if match else chunk)
        if verb is not None and words:
            verb_stem = stem(verb.split()[0])
            found.append(Part(_WATCH if verb_stem in _WATCH else (verb_stem,), words, words - risk))
        elif verb is None and words and (index > 0 or len(words) >= 2):
            found.append(Part((), words, words - risk))
    return tuple(found)


def _table_mitigations(doc: Document, section: Section) -> list[tuple[int, str, str]]:
    found = []
    for table in doc.tables_in(section):
        column = table.column(*_MITIGATION_COLUMNS)
        name = table.column(*_NAME_COLUMNS)
        if column is None or name is None or column == name:
            continue
        for row, line in zip(table.rows, table.row_lines, strict=False):
            if column < len(row) and name < len(row):
                found.append((line, row[name], row[column]))
    return found


def _labelled_mitigations(doc: Document, section: Section) -> list[tuple[int, str, str]]:
    """``Mitigation: …`` lines, and the bullets right under a bare ``Mitigation:`` label."""
    found: list[tuple[int, str, str]] = []
    heading = risk = section.title
    under: int | None = None  # the indent of the bare label whose bullets are being read
    for number in range(section.line + 1, section.end_line + 1):
        if number in doc.code_lines:
            continue
        line = doc.lines[number - 1]
        if line.lstrip().startswith("#"):
            heading = risk = line.strip("# ")
            under = None
            continue
        bullet = _BULLET_RE.match(line)
        body = bullet.group(2) if bullet else line
        label = _LABEL_RE.match(body)
        if label is not None:
            rest = label.group(1).strip()
            if rest:
                found.append((number, risk, rest))
                under = None
            else:
                under = len(bullet.group(1)) if bullet else -1
            continue
        if under is not None and bullet is not None and len(bullet.group(1)) >= max(under, 0):
            found.append((number, risk, bullet.group(2)))
            continue
        if line.strip():
            under = None
            if bullet is not None or line.startswith("**"):
                risk = f"{heading} {body}"  # a new risk item: its words are the risk's, not actions
    return found


def named_in(mitigation: Mitigation, doc: Document, skip: list[Section]) -> bool:
    """A line of *doc* outside the *skip* sections names one of the mitigation's actions: the verb
    when it is specific (``validate``, ``test``), two of its words (one when the action has no
    more), and one the risk does not use.

    Only the lines that hold a word sharing an action word's first four letters are read (an index
    per document), and at most ``_MAX_CANDIDATES`` of them per action: past that the action's
    words are everywhere, and the mitigation counts as named (silence rather than a guess)."""
    index = _index(doc)
    stems = line_stems(doc)
    for part in mitigation.parts:
        lines = sorted({n for w in part.words for n in index.get(w[:4], ())})
        if len(lines) > _MAX_CANDIDATES:
            return True
        if any(_names_part(part, stems[n - 1]) for n in lines if not any(s.contains(n) for s in skip)):
            return True
    return False


def _names_part(part: Part, line: frozenset[str]) -> bool:
    hits = sum(1 for w in part.words if _has(line, w))
    if part.verb and not any(_has(line, v) for v in part.verb) and hits < 3:
        return False  # three of its words name the action without the verb ("already in the allowlist")
    need = 1 if part.verb else min(2, len(part.words))
    if hits < need:
        return False
    return not part.new or any(_has(line, w) for w in part.new)


def _has(line: frozenset[str], word: str) -> bool:
    return word in line or any(_prefix(word, other) for other in line)


def _prefix(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a))


def line_stems(doc: Document) -> tuple[frozenset[str], ...]:
    """The word stems of every line of *doc* (index 0 is line 1; computed once per document)."""
    return doc.derive(_line_stems)


def _line_stems(doc: Document) -> tuple[frozenset[str], ...]:
    return tuple(word_stems(line) for line in doc.lines)


def _index(doc: Document) -> dict[str, tuple[int, ...]]:
    return doc.derive(_build_index)


def _build_index(doc: Document) -> dict[str, tuple[int, ...]]:
    """The lines holding a stem, by the stem's first four letters (a word and its prefix match share them)."""
    found: dict[str, list[int]] = {}
    for number, stems in enumerate(line_stems(doc), start=1):
        if len(stems) >= 2:
            for key in {w[:4] for w in stems}:
                found.setdefault(key, []).append(number)
    return {key: tuple(lines) for key, lines in found.items()}
