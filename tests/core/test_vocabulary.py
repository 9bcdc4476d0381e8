"""The other languages' vocabulary (rules/core/vocabulary.py), family by family, as the engine reads it."""

from __future__ import annotations

import re

import pytest

from rules.context._common import STATE
from rules.core._story_words import State, read_value
from rules.core.extract import find_date, find_estimates, find_ids, find_status
from rules.core.model import Role, Status, normalise_title
from rules.core.parse import parse_document
from rules.core.phases import MENTION_RE, PHASE_CUES, phase_key, phases
from rules.core.sections import NEXT, RISKS, TIMELINE
from rules.plan.pln001_missing_plan_section import GROUPS


@pytest.mark.parametrize(("title", "phase"), [
    ("1단계: 훅 생성", "Phase 1"),
    ("2단계 — 설정 화면", "Phase 2"),
    ("阶段 1：项目基础设施 ⏳ 未开始", "Phase 1"),
    ("阶段三：模板系统", "Phase 3"),
    ("第1阶段 数据迁移", "Phase 1"),
    ("第十二阶段：收尾", "Phase 12"),
    ("Faza 1: Infrastruktura danych", "Phase 1"),
    ("Etap 2 — Integracja", "Phase 2"),
    ("Этап 3: Проверка", "Phase 3"),
    ("フェーズ1：設計", "Phase 1"),
    ("第2段階 テスト", "Phase 2"),
    ("Fase 4 — Lanzamiento", "Phase 4"),
    ("Etapa 2: Integração", "Phase 2"),
    ("Phase 1 / 阶段一", "Phase 1"),
])
def test_phase_headings_in_other_languages_read_as_phase_n(title: str, phase: str) -> None:
    doc = parse_document("dev/active/x/x-tasks.md", f"# Title\n\n## {title}\n\n- [ ] a task\n", Role.TASKS)

    assert [p.id for p in phases(doc)] == [phase]
    assert phase in find_ids(f"## {title}")
    assert any(cue in title.lower() for cue in PHASE_CUES)  # the pre-test of every mention search


@pytest.mark.parametrize("title", [
    "7단계 파이프라인 설계",  # a seven-stage pipeline, not stage 7
    "구현 단계",  # "implementation phases": no number
    "Fazy 1–4 podsumowanie",  # plural: a range, not one phase
    "Database 1 migration",
    "1.5단계: 중간",
])
def test_words_that_only_look_like_a_phase_heading_are_not_one(title: str) -> None:
    doc = parse_document("dev/active/x/x-tasks.md", f"# Title\n\n## {title}\n", Role.TASKS)

    assert phases(doc) == ()


def test_a_korean_number_inside_a_sentence_is_not_a_phase_mention() -> None:
    assert MENTION_RE.search("이 작업은 1단계에서 끝난다") is None
    assert [phase_key(m) for m in MENTION_RE.finditer("Phase 2 and 阶段三")] == ["Phase 2", "Phase 3"]


def test_word_boundaries_do_not_separate_cjk_characters() -> None:
    # Why the vocabulary anchors on structure: \b sees no boundary inside a run of Hangul or Han.
    assert re.search(r"\b완료\b", "작업완료됨") is None
    assert re.search(r"\b完成\b", "已完成") is None
    assert re.search(r"\b완료\b", "상태: 완료") is not None


@pytest.mark.parametrize(("value", "state"), [
    ("✅ 완료", State.DONE), ("완료됨", State.DONE), ("진행 중", State.IN_PROGRESS), ("대기", State.NOT_STARTED),
    ("차단됨", State.BLOCKED),
    ("已完成", State.DONE), ("进行中", State.IN_PROGRESS), ("未开始", State.NOT_STARTED), ("待办", State.NOT_STARTED),
    ("阻塞", State.BLOCKED),
    ("zakończone", State.DONE), ("w toku", State.IN_PROGRESS), ("nie rozpoczęte", State.NOT_STARTED),
    ("завершено", State.DONE), ("в процессе", State.IN_PROGRESS), ("не начато", State.NOT_STARTED),
    ("заблокировано", State.BLOCKED),
    ("完了", State.DONE), ("進行中", State.IN_PROGRESS), ("未着手", State.NOT_STARTED),
    ("completado", State.DONE), ("en curso", State.IN_PROGRESS), ("pendiente", State.NOT_STARTED),
    ("concluído", State.DONE), ("em andamento", State.IN_PROGRESS),
    ("abgeschlossen", State.DONE), ("in Arbeit", State.IN_PROGRESS), ("offen", State.NOT_STARTED),
])
def test_status_values_in_other_languages(value: str, state: State) -> None:
    assert read_value(value)[0] is state


def test_a_status_word_inside_a_chinese_or_korean_sentence_is_no_status() -> None:
    assert read_value("功能已完成开发")[0] is None
    assert read_value("완료된 작업 정리")[0] is None


@pytest.mark.parametrize(("line", "labelled", "status"), [
    ("## 阶段 1：项目基础设施（已完成）", True, Status.COMPLETE),
    ("## 1단계: 완료", True, Status.COMPLETE),
    ("## Faza 2: zakończone", True, Status.COMPLETE),
    ("### Этап 3 — в процессе", True, Status.IN_PROGRESS),
    ("## Fase 1 (pendiente)", True, Status.PENDING),
    ("## 1단계: 완료 <!-- a note -->", True, Status.COMPLETE),
    ("상태: 진행 중", False, Status.IN_PROGRESS),
    ("**Статус:** завершено", False, Status.COMPLETE),
])
def test_status_words_are_read_where_a_status_stands(line: str, labelled: bool, status: Status) -> None:
    assert find_status(line, labelled=labelled) is status


@pytest.mark.parametrize(("line", "labelled"), [
    ("## 2단계: 완료 조건 정의", True),  # defines completion criteria
    ("- [ ] 完成 登录功能", True),  # "finish the login feature": an instruction
    ("이 작업은 완료 되었다", False),  # prose
    ("참고: 완료", False),  # a label, but not a status label, on a prose line
    ("- [ ] Fix the offen bug", True),
])
def test_status_words_in_running_text_are_not_read(line: str, labelled: bool) -> None:
    assert find_status(line, labelled=labelled) is None


@pytest.mark.parametrize(("pattern", "title"), [
    (STATE, "현재 상태"), (STATE, "当前状态"), (STATE, "Obecny stan"), (STATE, "Текущее состояние"),
    (STATE, "Estado actual"), (STATE, "Aktueller Stand"), (STATE, "現在の状態"),
    (NEXT, "다음 단계"), (NEXT, "下一步行动"), (NEXT, "Następne kroki"), (NEXT, "Следующие шаги"),
    (NEXT, "Próximos pasos"), (NEXT, "Nächste Schritte"), (NEXT, "次のステップ"),
    (RISKS, "리스크 평가"), (RISKS, "风险评估"), (RISKS, "Ocena ryzyka"), (RISKS, "Риски"), (RISKS, "Riesgos"),
    (RISKS, "Risiken"),
    (TIMELINE, "일정"), (TIMELINE, "时间安排"), (TIMELINE, "Harmonogram"), (TIMELINE, "Cronograma"),
    (TIMELINE, "Zeitplan"), (TIMELINE, "スケジュール"),
    (GROUPS["overview"].pattern, "개요"), (GROUPS["overview"].pattern, "执行摘要"),
    (GROUPS["overview"].pattern, "Überblick"), (GROUPS["overview"].pattern, "Resumen"),
    (GROUPS["success-metrics"].pattern, "成功标准"), (GROUPS["success-metrics"].pattern, "Kryteria sukcesu"),
    (GROUPS["success-metrics"].pattern, "Akzeptanzkriterien"), (GROUPS["success-metrics"].pattern, "完了条件"),
])
def test_section_headings_in_other_languages(pattern: re.Pattern[str], title: str) -> None:
    assert pattern.search(normalise_title(title)) is not None


def test_section_heading_words_need_the_whole_word_in_spaced_scripts() -> None:
    assert RISKS.search(normalise_title("Riskante Änderungen")) is None
    assert STATE.search(normalise_title("Estado actualizado del servidor")) is None


@pytest.mark.parametrize("line", ["**Последнее обновление:** 2026-02-03", "更新日時: 2026-02-03",
                                  "최종 업데이트: 2026-02-03", "Ostatnia aktualizacja: 2026-02-03"])
def test_last_updated_labels_in_other_languages(line: str) -> None:
    found = find_date(line, 1)

    assert found is not None and found.label == "last updated"


@pytest.mark.parametrize("line", ["### 阶段 1：项目基础设施（工作量：M）", "- 공수: L", "Aufwand: M"])
def test_effort_sizes_labelled_in_other_languages(line: str) -> None:
    assert [e.is_effort_size for e in find_estimates(line, 1)] == [True]


def test_every_status_word_passes_its_pre_test() -> None:
    from rules.core.extract import _LOCAL_ASCII_STEM, _LOCAL_SCRIPT
    from rules.core.vocabulary import STATUS_WORDS

    missed = [w for w in STATUS_WORDS if not (_LOCAL_ASCII_STEM.search(w) or _LOCAL_SCRIPT.search(w))]

    assert missed == []


def test_every_size_label_passes_its_pre_test() -> None:
    from rules.core.vocabulary import SIZE_LABELS

    assert all(find_estimates(f"({label}: M)", 1) for label in SIZE_LABELS)
