"""Kept for importers of the old location: the GitHub-side test helpers live in
``tests/bot/gh/support.py`` (fixtures in ``tests/bot/gh/conftest.py``)."""

from tests.bot.gh.support import (
    BAD_TASK,
    DEMO,
    GHES_URL,
    GOOD_TASK,
    AppKeys,
    Clock,
    Sleeps,
    demo_files,
    make_settings,
    ref,
    repo_ref,
    task_files,
)

__all__ = [
    "BAD_TASK", "DEMO", "GHES_URL", "GOOD_TASK", "AppKeys", "Clock", "Sleeps", "demo_files", "make_settings",
    "ref", "repo_ref", "task_files",
]
