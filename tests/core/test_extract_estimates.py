"""Time estimates: a bound to stay under ("< 15 min") is a target, not an estimate."""

from __future__ import annotations

import pytest

from rules.core import extract


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Time the setup (should be < 15 min)",
        "- [ ] Write SETUP.md (<15 minute setup guide)",
        "- [ ] Keep the build under budget (≤ 2h)",
        "- [ ] p95 latency > 2 min triggers an alert",
    ],
)
def test_bounds_are_not_estimates(line: str) -> None:
    assert extract.find_estimates(line, 1) == ()


@pytest.mark.parametrize(
    ("line", "minutes"), [("- [ ] Write the docs (15 min)", 15), ("Remaining: 2-3 hours", 120)]
)
def test_plain_estimates_are_still_found(line: str, minutes: int) -> None:
    assert [e.minutes for e in extract.find_estimates(line, 1)] == [minutes]


@pytest.mark.parametrize(
    ("line", "minutes", "high"),
    [
        ("### Этап 1: Сбор данных (3 ч)", 180, 180),
        ("- [ ] Шаблон письма (1 час)", 60, 60),
        ("### 1단계: 설정 (2시간)", 120, 120),
        ("- [ ] 버튼 추가 (30분)", 30, 30),
        ("**预计时间**：1.5天", 720, 720),
        ("### Fase 2: Descarga (2-3 días)", 960, 1440),
        ("- Estimación: 3 horas", 180, 180),
        ("- **Aufwand:** 2 Std.", 120, 120),
        ("### Etap 2 (4 godz.)", 240, 240),
    ],
)
def test_durations_in_other_languages_in_brackets_or_after_an_estimate_label(line: str, minutes: int,
                                                                             high: int) -> None:
    assert [(e.minutes, e.minutes_high) for e in extract.find_estimates(line, 1)] == [(minutes, high)]


@pytest.mark.parametrize(
    "line",
    [
        "- 스케줄: cron, 기본 5분 주기",  # an interval, not an effort
        "| Login POST | 1분 | 10회 |",
        "- 강남↔홍대입구: 0환승, 8역, ~16분",  # a travel time
        "Отчёт приходит каждые 3 ч",
    ],
)
def test_other_languages_durations_elsewhere_are_not_estimates(line: str) -> None:
    assert extract.find_estimates(line, 1) == ()
