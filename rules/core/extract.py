"""Line-level extractors: statuses, item ids, estimates, dates, progress claims.

Pure functions over one line of text. Each has a cheap pre-filter so the whole document can be
scanned at a fraction of markdown-it's parse time.
"""

from __future__ import annotations

import datetime as dt
import re

from rules.core.model import DateRef, Estimate, Progress, Status
from rules.core.text import fold
from rules.core.vocabulary import (
    DONE_WORDS,
    LOCAL_PHASE,
    PROGRESS_WORDS,
    SIZE_LABELS,
    STATUS_LABELS,
    STATUS_WORDS,
    local_phase_id,
    may_name_local_phase,
)

# --- statuses --------------------------------------------------------------------------------

_EMOJI_STATUS: dict[str, Status] = {
    "✅": Status.COMPLETE,
    "✔": Status.COMPLETE,
    "☑": Status.COMPLETE,
    "🎉": Status.COMPLETE,
    "⚠": Status.PARTIAL,
    "⏳": Status.PENDING,
    "⏸": Status.PAUSED,
    "🔄": Status.IN_PROGRESS,
    "🟡": Status.IN_PROGRESS,
    "🚧": Status.IN_PROGRESS,
    "❌": Status.FAILED,
    "⛔": Status.BLOCKED,
    "🚫": Status.BLOCKED,
    "⬜": Status.NOT_STARTED,
}
_EMOJI_RE = re.compile("|".join(map(re.escape, _EMOJI_STATUS)))

_WORD_STATUS: dict[str, Status] = {
    "complete": Status.COMPLETE,
    "completed": Status.COMPLETE,
    "done": Status.COMPLETE,
    "finished": Status.COMPLETE,
    "resolved": Status.COMPLETE,
    "fixed": Status.COMPLETE,
    "pending": Status.PENDING,
    "todo": Status.PENDING,
    "to do": Status.PENDING,
    "planned": Status.PENDING,
    "planning": Status.PENDING,
    "in progress": Status.IN_PROGRESS,
    "in-progress": Status.IN_PROGRESS,
    "in_progress": Status.IN_PROGRESS,
    "ongoing": Status.IN_PROGRESS,
    "wip": Status.IN_PROGRESS,
    "blocked": Status.BLOCKED,
    "not started": Status.NOT_STARTED,
    "not-started": Status.NOT_STARTED,
    "not_started": Status.NOT_STARTED,
    "optional": Status.OPTIONAL,
    "partial": Status.PARTIAL,
    "partially complete": Status.PARTIAL,
    "paused": Status.PAUSED,
    "on hold": Status.PAUSED,
    "deferred": Status.PAUSED,
    "cancelled": Status.PAUSED,  # not done and not to be done: set aside, as a deferral is
    "canceled": Status.PAUSED,
    "abandoned": Status.PAUSED,
    "failed": Status.FAILED,
}
_WORDS = "|".join(sorted((re.escape(w).replace(r"\ ", r"[ _-]") for w in _WORD_STATUS), key=len, reverse=True))
# Upper-case status words are markers wherever they stand; lower/title case only when labelled.
_UPPER_RE = re.compile(
    r"(?<![A-Za-z0-9_-])(COMPLETED?|DONE|FINISHED|RESOLVED|FIXED|PENDING|TODO|IN[ _-]PROGRESS|WIP|BLOCKED|"
    r"NOT[ _-]STARTED|OPTIONAL|PARTIAL(?:LY COMPLETE)?|PAUSED|ON[ _-]HOLD|DEFERRED|CANCELL?ED|ABANDONED|FAILED)"
    r"(?![A-Za-z0-9_-])"
)
# Possessive runs (``*+``, ``++``): a run of blanks or stars is never given back to an overlapping run,
# so a long run costs linear time (``\s*\**\s*`` backtracking over 100 KB of blanks is quadratic).
# After "Status:" the word is the status ("Status: Planning"); after another label, a bracket or a dash,
# "planning" followed by more words names the part ("Phase 2: Planning & Structure", "Phase 0: Planning
# with Files setup"), as it does not before a bracket, a date or the end ("Phase 2: Planning (2 days)").
_LABELLED_RE = re.compile(
    rf"(?i)(?:\bstatus\b\**+\s*+[:=]\s*+\**+\s*+({_WORDS})\b(?!\s*:|\()"
    rf"|(?:[(\[]\s*+|\s[—–-]\s++|:\s++)({_WORDS})\b(?!\s*:|\()(?!(?<=planning)\s++(?:&|[^\W\d_])))"
)


# _LABELLED_RE for the folded line (text.fold): its pattern is lower-case ASCII, so without (?i) it
# matches the folded line exactly where _LABELLED_RE matches the line, at the same offsets, and
# several times faster (a case-insensitive alternation is the slow case of sre).
_LABELLED_FOLDED_RE = re.compile(_LABELLED_RE.pattern.removeprefix("(?i)"))


def _status_word(word: str) -> Status | None:
    return _WORD_STATUS.get(re.sub(r"[ _-]+", " ", word.lower()))


# The other languages' status words (rules/core/vocabulary.py), read only where a status stands: after
# a status label ("상태: 완료", "状态：已完成"), in brackets ("(w toku)", "（已完成）"), or after a
# separator ("Faza 2: zakończone", "阶段 1 — 进行中"), and only as the last words of their clause: the
# word must end the line or be followed by a bracket, punctuation, a dash or a mark ("2단계: 완료 조건
# 정의" defines completion criteria; it says nothing of the phase's status). Lower case, on the folded line.
_KIND_STATUS = {"done": Status.COMPLETE, "in_progress": Status.IN_PROGRESS, "not_started": Status.NOT_STARTED,
                "pending": Status.PENDING, "planning": Status.PENDING, "blocked": Status.BLOCKED,
                "paused": Status.PAUSED}
_LOCAL_STATUS = {word: _KIND_STATUS[kind] for word, kind in STATUS_WORDS.items() if kind in _KIND_STATUS}
_LOCAL_WORDS = "|".join(re.escape(w).replace(r"\ ", r"[ _-]") for w in sorted(_LOCAL_STATUS, key=len, reverse=True))
_LOCAL_LABELLED_RE = re.compile(
    rf"(?:(?<![\w-])(?:status|{'|'.join(STATUS_LABELS)})[*_]*+\s*+[:=：]\s*+[*_]*+\s*+|[(\[（【]\s*+|\s[—–-]\s++"
    rf"|[:：]\s*+)({_LOCAL_WORDS})(?=[*_]*+\s*+(?:$|[)\]）】,，.。;；!|/<]|[—–-]|[✅⏳🔄🟡🚧⛔🚫⬜⏸❌]))"
)
# Pre-test for _LOCAL_LABELLED_RE on an ASCII line (any other line is searched): a stem of each of its
# ASCII words (German, Spanish, Portuguese, Polish).
_LOCAL_ASCII_STEM = re.compile("completad|terminad|en curso|progreso|progresso|pendient|pendent|iniciad|planifica"
                               "|planeja|bloquead|en pausa|concluid|andamento|gotowe|zrobi|w toku|w trakcie|zaplan"
                               "|zablok|wstrzym|erledigt|abgeschlossen|fertig|in arbeit|bearbeitung|offen|begonnen"
                               "|geplant|blockiert|pausiert|en cours|en attente|en pause|en revue|suspendu")
# …and on any other line, a letter of a script (or an accented letter) the other words are written in:
# an English line with an em dash or an emoji is not searched.
_LOCAL_SCRIPT = re.compile("[\uac00-\ud7a3\u3040-\u30ff\u4e00-\u9fff\u0400-\u04ffąęłńóśźżćãõçéíúâêôèà]")


_LOCAL_LABEL = re.compile("|".join(w for w in STATUS_LABELS if not w.isascii()), re.IGNORECASE)


def _local_status(text: str, folded: str, end: int) -> tuple[int, Status] | None:
    """Where the first labelled status word of another language stands on the line, and its status."""
    if _LOCAL_ASCII_STEM.search(folded) is None and (text.isascii() or _LOCAL_SCRIPT.search(text) is None):
        return None
    found = _LOCAL_LABELLED_RE.search(folded, 0, end)
    if found is None:
        return None
    return found.start(1), _LOCAL_STATUS[re.sub(r"[ _-]+", " ", found.group(1))]


_MARK_RE = re.compile(_EMOJI_RE.pattern + "|" + _UPPER_RE.pattern)
# Pre-test for _LABELLED_RE (a case-insensitive alternation tried at every position): one of these
# stems, each part of some status word and every status word holding one, in the folded line.
_STATUS_STEM = re.compile("complete|do|finished|resolved|fixed|pending|plann|progress|ongoing|wip|blocked|started"
                          "|optional|partial|paused|hold|deferred|cancel|abandon|failed")
# Cheap pre-tests for _MARK_RE: character classes, which sre scans without backtracking.
_UPPER3 = re.compile("[A-Z][A-Z][A-Z]")  # as [A-Z]{3}, which sre scans about twice as slowly
_EMOJI_CHARS = re.compile("[" + "".join(sorted({e[0] for e in _EMOJI_STATUS})) + "]")


_TWO_CAPITALS = re.compile("[A-Z][A-Z]")  # every word of _UPPER_RE starts with two capitals


def _first_mark(text: str) -> tuple[int, str] | None:
    """Where ``_MARK_RE.search(text)`` matches and what: the first emoji (a fast scan for its
    characters), unless an upper-case word starts before it; _UPPER_RE is tried only where two
    capitals start (its look-behind would otherwise be tried at every position)."""
    found = None
    if not text.isascii() and (emoji := _EMOJI_RE.search(text)) is not None:
        found = (emoji.start(), emoji.group())
    end = found[0] if found else len(text)
    capitals = _TWO_CAPITALS.search(text, 0, end)
    while capitals is not None:
        if (word := _UPPER_RE.match(text, capitals.start())) is not None:
            return word.start(), word.group()
        capitals = _TWO_CAPITALS.search(text, capitals.start() + 1, end)
    return found


# A legend: a heading or label naming it ("## Status Legend", "**Key:**"), then one entry a line that
# gives a mark its word: "- ⏸️ Pending", "⏳ = In progress", "| 🔄 | In Progress |".
_LEGEND_TITLE_RE = re.compile(r"(?i)^[#>*_\s-]*(?:status\s+|symbol\s+)?(?:legend|key)\b[*_:\s]*$|\blegend\b")
_LEGEND_ENTRY_RE = re.compile(
    rf"(?i)^[\s>*+|-]*({_EMOJI_RE.pattern})\ufe0f?[\s*_|:=—–-]*({_WORDS})\b[\s*_|.]*(?:$|[(—–:-])"
)
_LEGEND_SPAN = 12  # lines after the title a legend may take


def legend_marks(lines: tuple[str, ...], code: set[int] | frozenset[int] = frozenset()) -> dict[str, Status]:
    """The marks a document's own legend gives another meaning than the usual one (``- ⏸️ Pending``:
    the pause sign stands for work not started yet, not work on hold). Empty without a legend."""
    found: dict[str, Status] = {}
    for number, line in enumerate(lines, start=1):
        titled = ("egend" in line or "Key" in line) and _LEGEND_TITLE_RE.search(_head(line)) is not None
        if titled and number not in code:
            found.update(_legend_after(lines, number, code))
    return found


def _legend_after(lines: tuple[str, ...], title: int, code: set[int] | frozenset[int]) -> dict[str, Status]:
    """The entries right under a legend's title that give a mark another status than the usual one."""
    found: dict[str, Status] = {}
    read = 0  # entries of this legend
    for number in range(title + 1, min(len(lines), title + _LEGEND_SPAN) + 1):
        match = None if number in code else _LEGEND_ENTRY_RE.match(_head(lines[number - 1]))
        if match is None:
            text = lines[number - 1].strip()
            if number in code or (text and (read or not text.endswith(":"))):  # prose ends it; "Marks:" opens it
                break
            continue
        read += 1
        status = _status_word(match.group(2))
        if status is not None and status is not _EMOJI_STATUS[match.group(1)]:
            found[match.group(1)] = status
    return found


def _head(text: str) -> str:
    return text[:200]  # a legend's title and entries are short lines


def find_status(text: str, *, labelled: bool = True, marks: dict[str, Status] | None = None) -> Status | None:
    """The first status marker on a line, or None. ``"next: proceed to Phase 3"`` has none.

    Emoji and upper-case words count anywhere; lower-case words only after a label
    (``Status: done``, ``(pending)``, ``- Complete``), and only when *labelled* is true or the
    line says "status" (prose lines are not scanned for lower-case words). *marks*: the document's
    own legend (:func:`legend_marks`), which wins over the usual meaning of a mark.
    """
    best: tuple[int, Status] | None = None
    maybe = _UPPER3.search(text) or (not text.isascii() and _EMOJI_CHARS.search(text))
    mark = _first_mark(text) if maybe else None
    if mark:
        start, token = mark
        status = (marks and marks.get(token)) or _EMOJI_STATUS.get(token) or _status_word(token)
        if status is not None:
            best = (start, status)
    folded = None
    if (labelled or "tatus" in text) and _STATUS_STEM.search(folded := fold(text)):
        found = _LABELLED_FOLDED_RE.search(folded, 0, best[0] if best else len(text))
        if found:
            group = found.lastindex or 1  # the status label's word, or another label's
            status = _status_word(found.group(group))
            if status is not None and (best is None or found.start(group) < best[0]):
                best = (found.start(group), status)
    if labelled or "tatus" in text or (not text.isascii() and _LOCAL_LABEL.search(text) is not None):
        local = _local_status(text, folded if folded is not None else fold(text), best[0] if best else len(text))
        if local is not None and (best is None or local[0] < best[0]):
            best = local
    return best[1] if best else None


# --- item ids --------------------------------------------------------------------------------

_ID_RE = re.compile(
    r"\b([A-Z][A-Z0-9]{1,15}-\d{1,4})\b"  # CRITICAL-6, BUG-12
    r"|\b(Phase|Stage|Step|Milestone|Sprint|Part|Task)\s+"
    r"(\d{1,3}(?:\.\d{1,3})?[A-Za-z]?\b|[A-Z](?!\w)(?!\s+[a-z]))"  # Phase 3, Phase 1A, Stage B
)
_LEADING_NUM_RE = re.compile(
    r"^\s*(?:#{1,6}\s+|[-*+]\s+|>\s*)?(?:\[[ xX]\]\s+)?(?:\*\*)?(?:Task\s+)?(\d{1,3}(?:\.\d{1,3}){1,2})\b"
)
_LOCAL_PHASE_RE = re.compile(LOCAL_PHASE)  # "1단계:", "阶段一", "Faza 2": read as "Phase N"
_DASH_DIGIT = re.compile(r"-\d")  # in every CRITICAL-6 (the list marker "- " of most lines is not)
_NOT_IDS = frozenset({"UTF-8", "SHA-256", "SHA-1", "ISO-8601", "RFC-3339", "PEP-8", "HTTP-2", "MD-5"})


def find_ids(text: str) -> tuple[str, ...]:
    """Item ids on a line: ``CRITICAL-6``, ``Phase 3`` (normalised title case), ``1.2``."""
    found: list[str] = []
    lead = _LEADING_NUM_RE.match(text)
    if lead:
        found.append(lead.group(1))
    if (("-" in text and _DASH_DIGIT.search(text) is not None) or "Phase" in text or "Stage" in text or "Step" in text
            or "Milestone" in text or "Sprint" in text or "Part" in text or "Task" in text):
        for match in _ID_RE.finditer(text):
            if match.group(1):
                if match.group(1) not in _NOT_IDS:
                    found.append(match.group(1))
            else:
                found.append(f"{match.group(2)} {match.group(3).upper()}")
    if may_name_local_phase(text):
        found.extend(local_phase_id(match) for match in _LOCAL_PHASE_RE.finditer(text))
    return tuple(dict.fromkeys(found))


# --- estimates -------------------------------------------------------------------------------

_UNIT_MINUTES = {"m": 1, "h": 60, "d": 480, "w": 2400}
_NUM = r"(\d+(?:\.\d+)?)"
# One-letter units are lower-case only: "1M rows" is a million, "3D" a dimension, not durations.
_UNIT = r"(min(?:ute)?s?|h(?:ou)?rs?|hours?|days?|w(?:ee)?ks?|(?-i:[mhdw])(?![A-Za-z]))"
_BOUND = r"(?<![<>≤≥]\s)(?<![<>≤≥])"  # "< 15 min" is a limit to stay under, not an estimate
_RANGE_RE = re.compile(rf"(?i)(?<![\w.]){_BOUND}{_NUM}\s*(?:-|–|—|to)\s*{_NUM}\s*{_UNIT}(?![\w])")
_SINGLE_RE = re.compile(rf"(?i)(?<![\w.\-/]){_BOUND}{_NUM}\s?{_UNIT}(?![\w])")
_SIZE_MINUTES = {"XS": 30, "S": 60, "M": 180, "L": 480, "XL": 960, "XXL": 1920}
_SIZE_RE = re.compile(
    rf"(?:(?:\b(?:effort|size|estimate)\b|{'|'.join(SIZE_LABELS)})\**+\s*+[:=：]?\s*+\**+\s*+|[`\[(]\s*+)"
    r"(XXL|XL|XS|S|M|L)(?:\s*[`\])）]|\b)",
    re.IGNORECASE,
)


# Durations in the teams' other languages, read only where they are plainly an estimate: in brackets
# ("Этап 1: Сбор данных (3 ч)", "(2시간)", "（2天）", "(3 horas)") or after an estimate label
# ("预计时间：2天", "예상 시간: 30분", "Оценка: 2 ч", "Estimación: 3 horas", "Aufwand: 2 Std").
# Elsewhere 30분 or 5 min is as often a cron interval or a travel time as an effort.
_LOCAL_UNITS = {
    "시간": 60, "小时": 60, "時間": 60, "ч": 60, "час": 60, "часа": 60, "часов": 60, "hora": 60, "horas": 60,
    "godz": 60, "godz.": 60, "godzina": 60, "godziny": 60, "godzin": 60, "std": 60, "std.": 60, "stunde": 60,
    "stunden": 60, "분": 1, "分钟": 1, "分": 1, "мин": 1, "минут": 1, "minuto": 1, "minutos": 1, "min.": 1,
    "일": 480, "天": 480, "日": 480, "дн": 480, "дня": 480, "дней": 480, "день": 480, "día": 480, "días": 480,
    "dia": 480, "dias": 480, "dni": 480, "dzień": 480, "tag": 480, "tage": 480, "semana": 2400, "semanas": 2400,
    "нед": 2400, "недели": 2400, "недель": 2400, "tydzień": 2400, "tygodnie": 2400, "woche": 2400, "wochen": 2400,
    "heure": 60, "heures": 60, "jour": 480, "jours": 480, "semaine": 2400, "semaines": 2400,
}
_LOCAL_UNIT = "(" + "|".join(sorted(map(re.escape, _LOCAL_UNITS), key=len, reverse=True)) + ")"
_LOCAL_ESTIMATE_LABEL = (r"(?:预计(?:时间|工期|耗时)?|工期|耗时|예상(?:\s*(?:시간|소요))?|소요(?:\s*시간)?|оценка|срок"
                r"|estimaci[óo]n|duraci[óo]n|estimativa|dura[çc][ãa]o|szacunek|czas|aufwand|dauer|dur[ée]e"
                r"|estimation|charge|見積もり?|所要時間)")
_LOCAL_DURATION_RE = re.compile(
    rf"(?i)(?:[(（]\s*~?|{_LOCAL_ESTIMATE_LABEL}[*_]{{0,2}}\s*[:：][*_\s]{{0,4}}~?)"
    rf"(?P<d>{_NUM}(?:\s*[-–~]\s*{_NUM})?\s?{_LOCAL_UNIT})(?![^\W\d_])"
)
_LOCAL_HINT = ("hora", "godz", "std", "stund", "tag", "minuto", "día", "dia", "dni", "semana", "woche", "heure",
               "jour", "semaine")


# Pre-tests for find_estimates: each starts with a character class or is a plain substring test,
# so it runs in C without trying an alternation at every position.
_DIGIT_UNIT = re.compile(r"\d\s?[mhdwMHDW]")
_ANY_DIGIT = re.compile(r"\d")  # every duration holds one: a line without a digit is not searched for one
_SIZE_TAG = re.compile(r"[`\[(](?:XXL|XL|XS|S|M|L)[`\])]")


def _unit_minutes(unit: str) -> int:
    u = unit.lower()
    if u.startswith("min") or u == "m":
        return 1
    return _UNIT_MINUTES[u[0]]


_AGO_RE = re.compile(r"(?i)\s*(?:ago|earlier|before now)\b")  # "2 hours ago": a moment, not a duration


def _local_hint(text: str) -> bool:
    """An ASCII line holding the stem of another language's unit (``horas``, ``Std``, ``jours``)."""
    lowered = text.lower()
    return any(hint in lowered for hint in _LOCAL_HINT)


def find_estimates(text: str, line: int) -> tuple[Estimate, ...]:
    """Time estimates on a line. ``Day 1, 4 hours`` yields only ``4 hours``; ``2 hours ago`` none."""
    words = ("ffort" in text or "ize" in text or "stimate" in text or "EFFORT" in text or "SIZE" in text
             or "ESTIMATE" in text or "ufwand" in text or "sfuerzo" in text
             or (not text.isascii() and ("工" in text or "공수" in text or "규모" in text or "akład" in text
                                         or "sforç" in text or "рудоё" in text)))
    durations = _DIGIT_UNIT.search(text) is not None
    sizes = words or (("`" in text or "[" in text or "(" in text) and _SIZE_TAG.search(text) is not None)
    # Other languages' durations: one scan, only of a line with a non-ASCII letter or a unit's stem.
    local = (list(_LOCAL_DURATION_RE.finditer(text))
             if _ANY_DIGIT.search(text) and (not text.isascii() or _local_hint(text)) else [])
    if not durations and not sizes and not local:  # most lines: one scan for a digit, substring tests for the rest
        return ()
    found: list[Estimate] = []
    spans: list[tuple[int, int]] = []
    for match in local:
        per = _LOCAL_UNITS[match.group(4).lower()]  # groups: the duration, its low and high ends, its unit
        low = float(match.group(2))
        high = float(match.group(3)) if match.group(3) else low
        found.append(Estimate(match.group("d"), line, round(low * per), round(high * per)))
        spans.append(match.span())
    for match in _RANGE_RE.finditer(text) if durations else ():
        if _AGO_RE.match(text, match.end()):
            continue
        per = _unit_minutes(match.group(3))
        low, high = float(match.group(1)), float(match.group(2))
        found.append(Estimate(match.group(0).strip(), line, round(low * per), round(high * per)))
        spans.append(match.span())
    for match in _SINGLE_RE.finditer(text) if durations else ():
        if any(a <= match.start() < b for a, b in spans) or _AGO_RE.match(text, match.end()):
            continue  # inside a range, or a moment ("~2 hours ago"), not an effort
        minutes = round(float(match.group(1)) * _unit_minutes(match.group(2)))
        if minutes > 0:
            found.append(Estimate(match.group(0).strip(), line, minutes, minutes))
    for match in _SIZE_RE.finditer(text) if sizes else ():
        size = match.group(1).upper()
        if match.group(0)[0] in "`[(" and not match.group(0).rstrip().endswith(("`", "]", ")")):
            continue  # "(S" without a closing mark is prose, not a size tag
        if size in {"S", "M", "L"} and match.group(1) != size:
            continue  # lower-case s/m/l are words, not sizes
        found.append(Estimate(match.group(0).strip(), line, _SIZE_MINUTES[size], _SIZE_MINUTES[size], True))
    return tuple(found)


# --- dates -----------------------------------------------------------------------------------

# "Last updated" in the team's language: it is read as ``last updated``.
_LOCAL_LAST_UPDATED = (
    r"最后更新(?:时间|日期)?|最近更新|更新(?:日期|时间)|最終更新(?:日)?|更新日|"
    r"(?:최종|마지막)\s*(?:업데이트|수정)(?:일)?|"
    r"ostatnia[\s_-]+aktualizacja|zaktualizowano|última[\s_-]+actualización|actualizado|última[\s_-]+atualização|"
    r"dernière[\s_-]+mise[\s_-]+à[\s_-]+jour|mis[\s_-]+à[\s_-]+jour|zuletzt[\s_-]+aktualisiert|letzte[\s_-]+aktualisierung"
    r"|последнее[\s_-]+обновление|обновлено|更新日時"
)
_LOCAL_LAST_UPDATED_RE = re.compile(f"(?i){_LOCAL_LAST_UPDATED}")
_LABEL_RE = re.compile(
    r"(?i)^[\s>*_#|-]*(last[\s_-]*updated|last[\s_-]+update|last[\s_-]*modified|updated(?:[\s_-]*at)?"
    r"|date[\s_-]+updated|(?:created|completed)(?:[\s_-]*at)?|started|date"
    rf"|{_LOCAL_LAST_UPDATED})(?:\s+on)?[\s*_]*[:：][\s*_]*(.*)$"
)
# Front-matter keys name the same dates: ``updated_at`` / ``updatedAt``, ``lastUpdated``, ``created_at``.
_KEY_LABELS = {"updated at": "last updated", "updatedat": "last updated", "lastupdated": "last updated",
               "lastmodified": "last modified", "created at": "created", "createdat": "created",
               "completed at": "completed", "completedat": "completed"}
_ISO_RE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}
_NAMED_RE = re.compile(r"(?i)\b([A-Z][a-z]{2})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_NAMED_DMY_RE = re.compile(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Z][a-z]{2})[a-z]*\.?,?\s+(\d{4})")


def parse_date(value: str) -> dt.date | None:
    """First date in *value*: ISO (``2025-11-11``), ``Nov 11, 2025`` or ``11 November 2025``."""
    try:
        if match := _ISO_RE.search(value):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if match := _NAMED_RE.search(value):
            month = _MONTHS.get(match.group(1).lower())
            return dt.date(int(match.group(3)), month, int(match.group(2))) if month else None
        if match := _NAMED_DMY_RE.search(value):
            month = _MONTHS.get(match.group(2).lower())
            return dt.date(int(match.group(3)), month, int(match.group(1))) if month else None
    except ValueError:
        return None
    return None


# "## Current State (Last Updated: 2025-12-05)": a last-updated stamp in parentheses after a title.
_ASIDE_LABEL_RE = re.compile(
    r"(?i)\(\s*[*_]*(last[\s_-]+updated|last[\s_-]+modified|updated)[*_]*\s*[:：]\s*([^()\n]*)\)"
)


# "> 📅 Analysis done: 2026-03-04": a line that opens with a calendar sign dates what it says (a
# sign at the end of a line is a checklist item's due date, not the file's).
_CALENDAR_RE = re.compile(r"^[\s>*_#|-]*(?:\U0001F4C5|\U0001F4C6|\U0001F5D3\uFE0F?)\s*(.*)$")


def find_date(text: str, line: int) -> DateRef | None:
    """A labelled date line (``**Last Updated:** 2025-10-29 15:59``), a last-updated stamp in
    parentheses (``## Current State (Last Updated: 2025-12-05)``), or a line that opens with a
    calendar sign and holds a date (``> 📅 Analysis done: 2026-03-04``: a ``date``)."""
    if ("\U0001F4C5" in text or "\U0001F4C6" in text or "\U0001F5D3" in text) and (
            calendar := _CALENDAR_RE.match(text)) and (day := parse_date(calendar.group(1))) is not None:
        return DateRef("date", line, day, calendar.group(1).strip())
    if ":" not in text and "：" not in text:
        return None
    match = _LABEL_RE.match(text)
    if not match and "(" in text:
        match = _ASIDE_LABEL_RE.search(text)
    if not match:
        return None
    label = re.sub(r"[\s_-]+", " ", match.group(1).lower())
    label = _KEY_LABELS.get(label, label)
    if label == "updated" and not any(c.isdigit() for c in match.group(2)):
        return None  # a change list's marker ("- UPDATED: `reset()` to clear tactics"), not a date line
    if _LOCAL_LAST_UPDATED_RE.fullmatch(match.group(1)):
        label = "last updated"
    raw = match.group(2).strip().strip("*_ ")
    return DateRef(label, line, parse_date(raw), raw)


# "## Last Updated" as a heading of its own, the date on the line below it.
_HEADING_LABEL_RE = re.compile(r"(?i)^\s{0,3}#{1,6}\s+[*_]*(last[\s_-]+updated|last[\s_-]+modified)[*_]*\s*[:：]?\s*$")


def heading_date_label(text: str) -> str | None:
    """The label of a heading that is only a last-updated label (``## Last Updated``), or None."""
    match = _HEADING_LABEL_RE.match(text) if "#" in text else None
    return re.sub(r"[\s_-]+", " ", match.group(1).lower()) if match else None


# --- progress claims -------------------------------------------------------------------------

# The other languages' words (rules/core/vocabulary.py) after the figure ("95% completado", "80% 완료") or
# before it ("Progreso: 95%", "진행률: 80%"); CJK words have no word boundary, so none is asked for.
_DONE_WORD = "|".join(DONE_WORDS)
_PROGRESS_WORD = "|".join(PROGRESS_WORDS)
_PCT_RE = re.compile(
    rf"(?i)(\d{{1,3}}(?:\.\d+)?)\s*%\s*(?:complete[d]?|done|finished|progress|{_DONE_WORD})"
    rf"|(?:(?:progress|completion|complete[d]?)\b|{_PROGRESS_WORD})[^0-9%\n]{{0,12}}?(\d{{1,3}}(?:\.\d+)?)\s*%"
)
_FRAC_RE = re.compile(
    r"(?i)(?<![\d/.-])(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)(?![\d/.-])"
    r"(?=\s*+(?:tasks?|items?|phases?|steps?)?\s*+(?:complete[d]?|done|finished|\(\s*\d{1,3}(?:\.\d+)?\s*%|\)))"
    r"|(?i:progress|complete[d]?|done|status)\b[^0-9\n]{0,12}?(?<![\d/.-])(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)(?![\d/.-])"
)
_PAREN_PCT_RE = re.compile(r"\(\s*(\d{1,3}(?:\.\d+)?)\s*%\s*\)")


_SCORE_RE = re.compile(r"(?i)\b(?:grade[ds]?|scor(?:e[ds]?|ing)|rat(?:ing|ed)|points?|marks?|rubric)\b")
_LETTER_GRADE_RE = re.compile(r"(?<![\w-])[A-F][+-]?\s*\(\s*$")
_PROGRESS_HINT = re.compile(r"\d\s*[/%]")  # starts with a character class: sre scans it fast


def find_progress(text: str, line: int) -> Progress | None:
    """A progress claim on a line: a percentage, a fraction, or both (``5.5/6 complete (92%)``)."""
    if ("/" not in text and "%" not in text) or not _PROGRESS_HINT.search(text):
        return None
    frac = _FRAC_RE.search(text)
    if frac:
        done = float(frac.group(1) or frac.group(3))
        total = float(frac.group(2) or frac.group(4))
        if total <= 0 or total > 10000 or done > total:  # "24/7" is a schedule, not progress
            return None
        if _SCORE_RE.search(text, max(0, frac.start() - 30), frac.start()) or \
                (total in (10, 100) and _LETTER_GRADE_RE.search(text, max(0, frac.start() - 8), frac.start())):
            return None  # "Grade: A- (92/100)", "score 7/10", "C+ (76/100)": a mark, not how much is done
        pct_match = _PAREN_PCT_RE.search(text, frac.end() - 1)
        percent = float(pct_match.group(1)) if pct_match else None
        return Progress(text.strip(), line, percent, done, total)
    pct = _PCT_RE.search(text)
    if pct:
        return Progress(text.strip(), line, float(pct.group(1) or pct.group(2)))
    return None
