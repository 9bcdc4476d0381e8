"""Discovery: tasks by folder or loose-file prefix, roles by name, archives recognised."""

from __future__ import annotations

import pytest

from rules.core.discovery import Snapshot, discover, role_of
from rules.core.model import Role


@pytest.mark.parametrize(
    ("name", "role", "prefix"),
    [
        ("auth-plan.md", Role.PLAN, "auth"),
        ("PLAN.md", Role.PLAN, ""),
        ("plan.md", Role.PLAN, ""),
        ("TASK_NAME_CONTEXT.md", Role.CONTEXT, "task-name"),
        ("magic-inbox-tasks.md", Role.TASKS, "magic-inbox"),
        ("CHECKLIST.md", Role.TASKS, ""),
        ("db_migration-checklist.md", Role.TASKS, "db-migration"),
        ("auth-code-review.md", Role.EXTRA, "auth-code-review"),
        ("README.md", Role.EXTRA, "readme"),
        ("billing-kontekst.md", Role.CONTEXT, "billing"),  # the team's own language
        ("billing-zadania.md", Role.TASKS, "billing"),
        ("Billing_Aufgaben.md", Role.TASKS, "billing"),
        ("billing-contexto.md", Role.CONTEXT, "billing"),
        ("billing-summary.md", Role.EXTRA, "billing-summary"),
    ],
)
def test_roles_by_file_name(name: str, role: Role, prefix: str) -> None:
    assert role_of(f"dev/active/x/{name}") == (role, prefix)


def test_folder_tasks_loose_groups_and_archives() -> None:
    files = {
        "dev/active/database-migration-supabase-timeweb/database-migration-plan.md": b"# P",
        "dev/active/database-migration-supabase-timeweb/database-migration-context.md": b"# C",
        "dev/active/database-migration-supabase-timeweb/notes/extra.md": b"# E",
        "dev/active/magic-inbox-context.md": b"# C",
        "dev/active/magic-inbox-tasks.md": b"# T",
        "dev/active/README.md": b"# index, not a task",
        "dev/completed/old/PLAN.md": b"# P",
        "src/app.py": b"print()",
    }

    tasks = discover(Snapshot(files))

    assert [(t.path, t.loose, t.archived) for t in tasks] == [
        ("dev/active/database-migration-supabase-timeweb", False, False),
        ("dev/active/magic-inbox", True, False),
        ("dev/completed/old", False, True),
    ]
    migration = tasks[0]
    assert migration.plan is not None and migration.context is not None and migration.tasks is None
    assert [d.path for d in migration.extras] == ["dev/active/database-migration-supabase-timeweb/notes/extra.md"]
    assert tasks[1].context is not None and tasks[1].tasks is not None


def test_a_readme_beside_the_roots_only_task_is_part_of_it() -> None:
    alone = {"dev/active/phase-3-context.md": b"# C", "dev/active/phase-3-tasks.md": b"# T",
             "dev/active/README.md": b"# What this folder holds"}
    beside_two = {**alone, "dev/active/billing-tasks.md": b"# T"}
    beside_a_folder = {**alone, "dev/active/search/search-plan.md": b"# P"}

    (task,) = discover(Snapshot(alone))
    with_two = discover(Snapshot(beside_two))
    with_folder = discover(Snapshot(beside_a_folder))

    assert [d.path for d in task.extras] == ["dev/active/README.md"]
    assert all(not t.extras for t in with_two)  # which task would it describe?
    assert all(not t.extras for t in with_folder)


def test_second_file_for_a_role_is_a_duplicate_and_the_task_named_one_wins() -> None:
    files = {"dev/active/auth/PLAN.md": b"# a", "dev/active/auth/auth-plan.md": b"# b"}

    task = discover(Snapshot(files))[0]

    assert task.plan is not None and task.plan.path == "dev/active/auth/auth-plan.md"
    assert task.duplicates == ((Role.PLAN, "dev/active/auth/PLAN.md"),)


def test_unreadable_and_oversized_files_are_recorded() -> None:
    files = {"dev/active/auth/auth-plan.md": b"x" * 2048, "dev/active/auth/auth-tasks.md": b"\x00\x01"}
    snapshot = Snapshot(files, unreadable={"dev/active/auth/auth-context.md": "symlink points outside"})

    task = discover(snapshot, max_bytes=1024)[0]

    reasons = dict(task.unreadable)
    assert "over the 1 KB review limit" in reasons["dev/active/auth/auth-plan.md"]
    assert "binary" in reasons["dev/active/auth/auth-tasks.md"]
    assert reasons["dev/active/auth/auth-context.md"] == "symlink points outside"
