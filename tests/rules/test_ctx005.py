"""CTX005 blocker-without-section quotes the sentence that names the blocker."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.registry import RULES_BY_CODE


def messages(context: str) -> list[str]:
    snapshot = Snapshot({"dev/active/sync/sync-context.md": context.encode()})
    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["CTX005"]()], strict=True)
    return [f.message for task in result.tasks for f in task.findings]


def test_a_long_line_is_quoted_by_the_sentence_that_names_the_blocker() -> None:
    line = ("- Replay diagnostics now exist in the JSON report and list every rejected event with its reason. "
            "Interpretation: the current blocker is the tracking dropout. The direction mapping is settled.")

    (message,) = messages(f"# Sync — Context\n\n## Notes\n\n{line}\n")

    assert message == ("Blocker 'Interpretation: the current blocker is the tracking dropout.' is not listed in a "
                       "Blockers or Issues section.")


def test_a_short_line_is_quoted_whole() -> None:
    (message,) = messages("# Sync — Context\n\n## Notes\n\n- Deploy is blocked by the expired certificate.\n")

    assert message == ("Blocker 'Deploy is blocked by the expired certificate.' is not listed in a Blockers or Issues "
                       "section.")
