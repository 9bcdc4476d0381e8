"""STR004's rename suggestion keeps a version after the role word (``Export_Plan_v2.md``)."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot


def test_the_suggested_name_keeps_the_plans_version() -> None:
    result = review(Snapshot({
        "dev/active/export/Export_Plan_v2.md": b"# Export plan\n",
        "dev/active/export/export-context.md": b"# Export context\n",
        "dev/active/export/export-tasks.md": b"# Export tasks\n\n- [ ] Endpoint (2h)\n",
    }), today=dt.date(2026, 1, 15))

    naming = [f for t in result.tasks for f in t.findings if f.rule == "STR004"]

    assert [f.path for f in naming] == ["dev/active/export/Export_Plan_v2.md"]
    assert naming[0].fix == "Rename 'Export_Plan_v2.md' to 'export-plan-v2.md'."
