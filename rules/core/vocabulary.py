"""The engine's words in the teams' other languages: one place for every non-English vocabulary.

Dev docs are often written partly or wholly in Korean, Chinese, Japanese, Polish, Russian, Spanish,
Portuguese, German or French. The structures are the same (phase headings, status labels, section
headings), only the words differ, so each family below extends an English list kept where it is used:

* phase headings (:data:`LOCAL_PHASE`): ``1단계:``, ``阶段一``, ``第1阶段``, ``Faza 1``, ``Этап 1``,
  ``フェーズ1``, ``Fase 1``, ``Etapa 1``; every one reads as ``Phase N``, so a Korean tasks file and
  an English plan number the same phases;
* status words (:data:`STATUS_WORDS`): ``완료``, ``已完成``, ``zakończone``, ``завершено``, ``完了``,
  ``completado``, ``concluído``, ``abgeschlossen``…, read only where a status is expected (after a
  ``Status:`` label, in brackets, after a heading's separator), never inside a sentence;
* status labels (:data:`STATUS_LABELS`) and section headings (the ``*_HEADINGS`` tuples): regex
  fragments over normalised titles (``Section.key``: lower case, punctuation and numbers out), for
  :func:`rules.core.sections.synonyms`. Chinese and Japanese write a heading as one unspaced token,
  so their words match inside a token (:func:`unspaced`).

CJK has no word boundaries: ``\\b`` sits between any Hangul or Han character and a space, never
between two of them, so these patterns anchor on the structure around a word (a label, a bracket,
the end of a heading), not on ``\\b``.
"""

from __future__ import annotations

import re

__all__ = [
    "BLOCKER_HEADINGS",
    "BLOCKER_LABELS",
    "CURRENT_STATE_HEADINGS",
    "DECISION_WORDS",
    "DONE_WORDS",
    "HANDOFF_HEADINGS",
    "LOCAL_PHASE",
    "NEXT_HEADINGS",
    "NEXT_STEP_HEADINGS",
    "NONE_WORDS",
    "NUMBER_WORDS",
    "OVERVIEW_HEADINGS",
    "PROGRESS_WORDS",
    "RESOLVED_WORDS",
    "RISK_HEADINGS",
    "STATUS_LABELS",
    "STATUS_WORDS",
    "SUCCESS_HEADINGS",
    "TIMELINE_HEADINGS",
    "local_phase_id",
    "may_name_local_phase",
    "unspaced",
]


def unspaced(*words: str) -> str:
    """Chinese or Japanese words inside a heading's one unspaced token (``当前状态分析`` holds ``当前状态``)."""
    return r"\S*(?:" + "|".join(words) + r")\S*"


# --- phase headings ----------------------------------------------------------------------------

_ID = r"\d{1,3}(?:\.\d{1,3})?[A-Za-z]?"
_HAN_NUMBER = r"十[一二三四五六七八九]?|[二三四五六七八九]十[一二三四五六七八九]?|[一二三四五六七八九]"
# Named groups (``lw``/``lid`` …), so that the pattern can sit beside an English one in an alternation.
LOCAL_PHASE = (
    # a word before the number: "Faza 1", "Etapa 2", "Этап 3", "Étape 1" (Latin and Cyrillic scripts)
    rf"(?:(?<![\w-])(?P<lw>[Ff]aza|FAZA|[Ff]ase|FASE|[Ee]tapa?|ETAPA?|[ÉéEe]tape|[Ээ]тап|ЭТАП|[Фф]аза|ФАЗА)"
    rf"\s+(?P<lid>{_ID})(?![\w-])"
    # "阶段 1", "阶段一", "フェーズ1", "단계 2": a CJK word, then the number (no space needed)
    rf"|(?P<cw>阶段|階段|フェーズ|ステージ|단계)\s*(?P<cid>{_ID}|{_HAN_NUMBER})(?![\dA-Za-z.])"
    # "第1阶段", "第一阶段", "第2段階", "第3フェーズ": an ordinal
    rf"|第\s*(?P<oid>\d{{1,3}}|{_HAN_NUMBER})\s*(?:阶段|階段|段階|期|フェーズ|ステージ)"
    # "1단계: …", "2단계 — …": a Korean number and 단계, then a separator or the end ("7단계 파이프라인"
    # is a seven-stage pipeline, not stage 7)
    r"|(?<![\d.])(?P<kid>\d{1,2})\s?단계(?=\s*(?:[:：—–\-(（\[]|$|[✅⏳🔄🟡🚧⛔⬜⏸❌])))"
)
_HAN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def local_phase_id(match: re.Match[str]) -> str:
    """The ``Phase N`` id of a :data:`LOCAL_PHASE` match (``阶段三`` → ``Phase 3``)."""
    ident = match.group("lid") or match.group("cid") or match.group("oid") or match.group("kid")
    return f"Phase {_arabic(ident)}"


def _arabic(ident: str) -> str:
    if ident.isascii():
        return ident.upper()
    tens, ten, ones = ident.partition("十")
    if not ten:
        return str(_HAN_DIGITS[ident])
    return str((_HAN_DIGITS[tens] if tens else 1) * 10 + (_HAN_DIGITS[ones] if ones else 0))


_LOCAL_PHASE_CUE = re.compile("[단阶階段第フステЭэФфÉé]")


def may_name_local_phase(text: str) -> bool:
    """A cheap pre-test: *text* may hold a :data:`LOCAL_PHASE` match (a false yes costs one search)."""
    return ("az" in text or "AZ" in text or "Fase" in text or "fase" in text or "FASE" in text or "tap" in text
            or "TAP" in text or (not text.isascii() and _LOCAL_PHASE_CUE.search(text) is not None))


# --- status words ------------------------------------------------------------------------------

# word → one of "done", "in_progress", "not_started", "pending", "planning", "review", "blocked", "paused".
# Lower case; a space stands for any run of blanks. Each reader maps the kind to its own enum.
STATUS_WORDS: dict[str, str] = {
    # Korean
    "완료": "done", "완료됨": "done", "완료 됨": "done", "구현 완료": "done", "전체 완료": "done",
    "미완료": "in_progress", "진행 중": "in_progress", "진행중": "in_progress", "작업 중": "in_progress",
    "대기": "pending", "대기 중": "pending", "대기중": "pending", "미시작": "not_started", "미착수": "not_started",
    "시작 전": "not_started", "예정": "planning", "계획": "planning", "계획됨": "planning",
    "검토 중": "review", "리뷰 중": "review", "차단": "blocked", "차단됨": "blocked", "블로커": "blocked",
    "보류": "paused", "보류 중": "paused",
    # Chinese (simplified and traditional)
    "已完成": "done", "完成": "done", "已完成的": "done", "未完成": "in_progress", "进行中": "in_progress",
    "進行中": "in_progress", "开发中": "in_progress", "未开始": "not_started", "未開始": "not_started",
    "待办": "pending", "待辦": "pending", "待处理": "pending", "待處理": "pending", "待开始": "pending",
    "计划中": "planning", "规划中": "planning", "待审核": "review", "审核中": "review", "待验证": "review",
    "阻塞": "blocked", "已阻塞": "blocked", "受阻": "blocked", "暂停": "paused", "已暂停": "paused",
    # Japanese (進行中 above)
    "完了": "done", "完了済み": "done", "対応済み": "done", "作業中": "in_progress", "対応中": "in_progress",
    "未着手": "not_started", "未対応": "pending", "レビュー中": "review", "ブロック中": "blocked", "保留": "paused",
    # Polish
    "zakończone": "done", "zakończony": "done", "zakończona": "done", "ukończone": "done", "ukończony": "done",
    "gotowe": "done", "zrobione": "done", "w toku": "in_progress", "w trakcie": "in_progress",
    "nie rozpoczęte": "not_started", "nierozpoczęte": "not_started", "nie rozpoczęto": "not_started",
    "do zrobienia": "pending", "zaplanowane": "planning", "zablokowane": "blocked", "wstrzymane": "paused",
    # Russian
    "завершено": "done", "завершён": "done", "завершен": "done", "выполнено": "done", "готово": "done",
    "в процессе": "in_progress", "в работе": "in_progress", "не начато": "not_started",
    "запланировано": "planning", "на ревью": "review", "заблокировано": "blocked", "приостановлено": "paused",
    # Spanish
    "completado": "done", "completada": "done", "terminado": "done", "en curso": "in_progress",
    "en progreso": "in_progress", "pendiente": "pending", "no iniciado": "not_started", "planificado": "planning",
    "en revisión": "review", "bloqueado": "blocked", "en pausa": "paused",
    # Portuguese (bloqueado above)
    "concluído": "done", "concluída": "done", "concluido": "done", "em andamento": "in_progress",
    "em progresso": "in_progress", "pendente": "pending", "não iniciado": "not_started", "planejado": "planning",
    "em revisão": "review",
    # German
    "abgeschlossen": "done", "erledigt": "done", "fertig": "done", "in arbeit": "in_progress",
    "in bearbeitung": "in_progress", "offen": "pending", "nicht begonnen": "not_started", "geplant": "planning",
    "blockiert": "blocked", "pausiert": "paused",
    # French
    "terminé": "done", "terminée": "done", "terminés": "done", "achevé": "done", "complété": "done",
    "en cours": "in_progress", "non commencé": "not_started", "pas commencé": "not_started", "à faire": "pending",
    "en attente": "pending", "planifié": "planning", "prévu": "planning", "en revue": "review",
    "bloqué": "blocked", "en pause": "paused", "suspendu": "paused",
}
# The status labels ("Status:", "상태:", "状态："): regex fragments, lower case.
STATUS_LABELS = (
    "상태", r"진행\s?상태", "진행률", "状态", "狀態", "状態", "进度", "進度", "進捗", "ステータス",
    "stan", "статус", "состояние", "прогресс", "estado", "progreso", "progresso", "situação", "fortschritt",
    "statut", "état", "avancement",
)

# --- section headings (regex fragments over Section.key) --------------------------------------

# Headings over a list of the work's own steps ("## Steps", "### Implementation Tasks", "## Milestones"),
# in English and the teams' languages; phase headings ("### Phase 2") are rules/core/phases.py's.
WORK_LIST_HEADINGS = ("steps?", "tasks?", "checklist", "to ?dos?", "milestones?", "action items?", "work items?",
                      "work breakdown", "wbs", "작업", "할 일", "단계별 작업", "任务", "步骤", "待办", "タスク", "作業",
                      "zadania", "kroki", "aufgaben", "schritte", "tareas", "pasos", "tarefas", "étapes", "tâches")

OVERVIEW_HEADINGS = ("개요", "요약", "목적", "목표", "podsumowanie\\w*", "przegląd", "cele?", "обзор", "резюме", "цель",
                     "цели", "resumen", "resumo", "visão geral", "descripción general", "objetivos?", "überblick",
                     "zusammenfassung", "ziele?", "résumé", "aperçu", "vue d ensemble", "synthèse", "objectifs?",
                     unspaced("摘要", "概述", "概要", "概览", "概觀", "目标", "目標", "目的"))
CURRENT_STATE_HEADINGS = ("현재 상태", "진행 상황", "진행 상태", "진행 현황", "현황", "(?:구현|작업|완료) 상태",
                          "(?:obecn|aktualn)\\w* stan\\w*", "stan\\w* (?:obecn|aktualn)\\w*", "postęp(?:y| prac)?",
                          "текущее (?:состояние|положение)",
                          "estado actual", "estado atual", "situación actual", "situação atual",
                          "aktueller (?:stand|status|zustand)", "ist zustand",
                          "état actuel", "situation actuelle", "état d avancement", "avancement",
                          unspaced("当前状态", "当前进度", "现状", "進捗状況", "現状", "現在の状態"))
# The next steps themselves (work to do next), then the instructions for resuming (read this file first).
NEXT_STEP_HEADINGS = ("다음 단계", "다음 작업", "다음 (?:액션|할 일)", "남은 (?:작업|항목)", "열린 항목",
                      "następne kroki", "kolejne kroki", "dalsze kroki", "следующие шаги", "дальнейшие шаги",
                      "próximos pasos", "próximos passos", "nächste schritte", "prochaines étapes",
                      "étapes suivantes",
                      unspaced("下一步", "后续步骤", "次のステップ", "次の作業", "今後の作業", "次のアクション"))
NEXT_HEADINGS = (*NEXT_STEP_HEADINGS, "남은 검증", "빠른 재개", r"재개 (?:지침|방법|가이드)",
                 unspaced("快速恢复", "恢复指南"))
# Sections handing the work to the next session ("Next session start", "Handoff"), matched on the
# whole normalised key: 다음 세션 (시작 안내) / 인수인계, 下次会话 / 交接, 次のセッション / 引き継ぎ,
# następna sesja / przekazanie, следующая сессия / передача, próxima sesión / traspaso, nächste Sitzung / Übergabe.
HANDOFF_HEADINGS = ("다음 세션(?: 시작)?(?: 안내| 가이드| 계획| 시 할 일)?", "(?:세션 |작업 )?재개(?: 안내| 방법)?",
                    "인수인계",
                    "następna sesja", "przekazanie(?: pracy)?", "следующая сессия", "передача(?: работы| дел)?",
                    "próxima (?:sesión|sessão)", "traspaso", "passagem de bastão", "nächste sitzung", "übergabe",
                    "prochaine session", "passation",
                    unspaced("下次会话", "交接", "次のセッション", "引き継ぎ", "引継ぎ"))
RISK_HEADINGS = ("위험", "리스크", "ryzyk\\w*", "zagrożenia", "риски?", "riesgos?", "riscos?", "risiken", "risques?",
                 unspaced("风险", "リスク", "風險"))
SUCCESS_HEADINGS = ("성공", "완료 조건", "완료 기준", "수락 기준", "sukces\\w*", "mierniki", "metryki", "kryteria \\w+",
                    "критерии \\w+", "метрики(?: успеха)?", "criterios? de \\w+", "critérios? de \\w+",
                    "m[ée]tricas(?: de \\w+)?", "indicadores de \\w+", "akzeptanzkriterien", "erfolgskriterien",
                    "abnahmekriterien", "erfolgsmetriken", "kennzahlen", "critères d \\w+", "critères de \\w+",
                    "indicateurs(?: de \\w+)?", "métriques(?: de \\w+)?",
                    unspaced("成功", "验收标准", "完成标准", "受け入れ基準", "完了条件", "成功基準"))
# Substrings of a decisions heading's key ("주요 결정사항", "决策记录", "Decyzje techniczne").
DECISION_WORDS = ("결정", "decyzj", "решени", "decisi", "décision", "entscheidung", "决策", "决定", "決定", "決策")
BLOCKER_HEADINGS = ("차단", "블로커", "blokery", "blokady", "блокеры", "блокирующие \\w+", "bloqueos",
                    "bloqueios", "blocages?", "points bloquants", unspaced("阻塞", "障碍", "ブロッカー", "阻害要因"))
# A progress claim's words in the other languages: "Progreso: 95%", "진행률: 80%", "95% completado", "80% 완료".
PROGRESS_WORDS = ("progreso", "progresso", "avance", "прогресс", "fortschritt", "postęp", "진행률", "진척도", "进度",
                  "完成度", "進捗", "進捗率", "progression", "avancement")
DONE_WORDS = ("completado", "completada", "concluído", "concluido", "hecho", "завершено", "выполнено", "готово",
              "abgeschlossen", "erledigt", "ukończone", "zakończone", "terminé", "terminée", "achevé", "완료", "已完成",
              "完成", "完了")
# A "Blockers:" label and the words for "none" and "resolved" after it, in the other languages.
BLOCKER_LABELS = ("블로커", "차단 요소", "阻塞", "阻碍", "ブロッカー", "bloqueos?", "bloqueadores?", "bloqueios?",
                  "блокеры?", "blokery", "blokady", "blocages?", "bloquants?")
NONE_WORDS = ("없음", "无", "無", "なし", "ninguno", "ninguna", "nenhum", "нет", "brak", "keine", "aucun", "aucune")
RESOLVED_WORDS = ("해결", "解决", "解決", "resuelto", "resolvido", "решено", "rozwiązane", "gelöst", "résolu",
                  "résolue")
TIMELINE_HEADINGS = ("일정", "타임라인", "harmonogram\\w*", "график", "сроки", "cronograma", "zeitplan",
                     "calendrier", "échéancier", "chronologie", "planning",
                     unspaced("时间线", "时间表", "时间安排", "排期", "里程碑", "スケジュール", "日程"))

# --- phase details (labels before a colon, regex fragments) -----------------------------------

GOAL_LABELS = ("목표", "目标", "目標", "目的", "cel", "цель", "objetivo", "ziel", "objectif")
DURATION_LABELS = ("工作量", "工期", "预计(?:时间|工期|耗时)?", "预估", "耗时", "工数", "見積もり?", "期間", "所要時間",
                   "기간", "소요(?:\\s*시간)?", "czas(?: trwania)?", "szacowany czas", "срок", "оценка",
                   "длительность", "duración", "duração", "dauer", "aufwand", "durée", "estimation")
# A size label before "M" / "L": "（工作量：M）", "(공수: S)", "Aufwand: L".
SIZE_LABELS = ("工作量", "工数", "공수", "규모", "nakład", "aufwand", "esfuerzo", "esforço", "трудоёмкость")
ACCEPTANCE_WORDS = ("验收", "完成标准", "交付物", "受け入れ基準", "完了条件", "成果物", "수락 기준", "인수 조건",
                    "kryteria akceptacji", "kryteria ukończenia", "критерии приёмки", "критерии приемки",
                    "criterios de aceptación", "critérios de aceitação", "akzeptanzkriterien", "abnahmekriterien",
                    "critères d'acceptation", "critères d’acceptation")
# Words that note an order between pieces of work: "依赖", "선행", "zależy", "зависит", "abhängig".
DEPENDENCY_WORDS = ("依赖", "依賴", "前置条件", "依存", "前提条件", "선행", "의존", "zależn", "zależy", "зависит",
                    "зависимост", "abhängig", "requisito previo", "pré-requisito", "dépend", "prérequis")

# --- risks and their mitigations (substrings, lower case) ------------------------------------

# A risk table's name column ("| 风险 |", "| Ryzyko |").
RISK_WORDS = ("위험", "리스크", "риск", "风险", "風險", "リスク", "ryzyk", "riesgo", "risco", "risiko", "risque")
# A mitigation ("缓解策略：", "| Mitygacja |", "对策", "Gegenmaßnahme").
MITIGATION_WORDS = ("대응", "완화", "해결", "방지", "митигац", "смягчен", "меры", "缓解", "应对", "应急", "对策",
                    "規避", "规避", "対策", "軽減", "回避", "mitygac", "łagodz", "zapobieg", "mitigación", "mitigação",
                    "gegenmaßnahme", "minderung", "atténuation", "parade", "contre-mesure")

# Folder names that file work as finished (``dev/completed``, ``spec/archives``, ``dev/done``).
ARCHIVE_FOLDER_NAMES = frozenset({"archive", "archives", "archived", "completed", "complete", "done", "finished"})

# Counts spelled out, as announcements and totals write them ("three endpoints:", "split into four phases").
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12}
