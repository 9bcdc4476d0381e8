"""Discovery: tasks by folder or loose-file prefix, roles by name, archives recognised."""

from __future__ import annotations

import pytest

from rules.core.discovery import DocRoots, Snapshot, discover, role_of, roots_elsewhere
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
        ("plan-v1-01.md", Role.PLAN, ""),  # a version (and its revision) after the role word
        ("auth-plan-v2.md", Role.PLAN, "auth"),
        ("PLAN_v3.md", Role.PLAN, ""),
        ("task-1.md", Role.EXTRA, "task-1"),  # a numbered note, not a version of the task list
        ("plan-2026.md", Role.EXTRA, "plan-2026"),
        ("STATUS.md", Role.EXTRA, "status"),  # a context only where none is named (below)
        ("ship-skills-context-log.md", Role.CONTEXT, "ship-skills"),  # the context kept as a log
        ("CONTEXT_LOG.md", Role.CONTEXT, ""),
        ("tasks-log.md", Role.EXTRA, "tasks-log"),  # a log of tasks is not the checklist
        ("session-log.md", Role.EXTRA, "session-log"),
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
        "dev/done/older/older-plan.md": b"# P",
        "src/app.py": b"print()",
    }

    tasks = discover(Snapshot(files))

    assert [(t.path, t.loose, t.archived) for t in tasks] == [
        ("dev/active/database-migration-supabase-timeweb", False, False),
        ("dev/active/magic-inbox", True, False),
        ("dev/completed/old", False, True),
        ("dev/done/older", False, True),
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


def test_a_file_named_for_the_role_alone_wins_over_one_with_another_prefix() -> None:
    files = {"dev/active/fix-login/next-task.md": b"# resume here", "dev/active/fix-login/tasks.md": b"- [ ] a",
             "dev/active/fix-login/master-plan.md": b"# old plan", "dev/active/fix-login/plan.md": b"# plan"}

    task = discover(Snapshot(files))[0]

    assert task.tasks is not None and task.tasks.path == "dev/active/fix-login/tasks.md"
    assert task.plan is not None and task.plan.path == "dev/active/fix-login/plan.md"
    assert set(task.duplicates) == {(Role.TASKS, "dev/active/fix-login/next-task.md"),
                                    (Role.PLAN, "dev/active/fix-login/master-plan.md")}


def test_unreadable_and_oversized_files_are_recorded() -> None:
    files = {"dev/active/auth/auth-plan.md": b"x" * 2048, "dev/active/auth/auth-tasks.md": b"\x00\x01"}
    snapshot = Snapshot(files, unreadable={"dev/active/auth/auth-context.md": "symlink points outside"})

    task = discover(snapshot, max_bytes=1024)[0]

    reasons = dict(task.unreadable)
    assert "over the 1 KB review limit" in reasons["dev/active/auth/auth-plan.md"]
    assert "binary" in reasons["dev/active/auth/auth-tasks.md"]
    assert reasons["dev/active/auth/auth-context.md"] == "symlink points outside"


LOOSE_DEV = {
    "dev/job-search-plan.md": b"# Job search - Plan\n",
    "dev/job-search-context.md": b"# Job search - Context\n",
    "dev/job-search-tasks.md": b"# Job search - Tasks\n- [ ] Apply\n",
    "dev/active/auth/auth-plan.md": b"# Auth - Plan\n",
    "dev/archive/old/old-plan.md": b"# Old - Plan\n",
}


def test_task_files_loose_in_dev_form_an_active_task_named_by_their_prefix() -> None:
    tasks = discover(Snapshot(LOOSE_DEV))

    assert [(t.path, t.root, t.name, t.loose, t.archived) for t in tasks] == [
        ("dev/active/auth", "dev/active", "auth", False, False),
        ("dev/job-search", "dev", "job-search", True, False),
        ("dev/archive/old", "dev/archive", "old", False, True),
    ]
    job = tasks[1]
    assert [d.path for d in (job.plan, job.context, job.tasks) if d is not None] == [
        "dev/job-search-plan.md", "dev/job-search-context.md", "dev/job-search-tasks.md"]
    assert job.extras == ()


@pytest.mark.parametrize(
    "path",
    [
        "dev/README.md",
        "dev/CHANGELOG.md",
        "dev/notes.md",
        "dev/setup-guide.md",
        "dev/scripts/deploy-plan.md",  # a folder under dev is not a task
        "dev/scripts/deploy/deploy-plan.md",
        "dev/todo.md",  # no prefix and alone
        "dev/PLAN.md",
        "dev/release-checklist.md",  # a lone checklist or todo list, even with a prefix
        "dev/sprint-todo.md",
        "dev/job-search-plan.txt",
    ],
)
def test_files_in_dev_that_are_not_a_task_are_left_alone(path: str) -> None:
    tasks = discover(Snapshot({path: b"# Something\n\n- [ ] a box\n"}))

    assert tasks == []


def test_two_unprefixed_files_of_different_roles_in_dev_are_one_task() -> None:
    files = {"dev/plan.md": b"# Plan\n", "dev/tasks.md": b"# Tasks\n", "dev/notes.md": b"# Notes\n"}

    [task] = discover(Snapshot(files))

    assert (task.path, task.name, task.loose) == ("dev/(unnamed)", "(unnamed)", True)
    assert task.all_paths == ("dev/plan.md", "dev/tasks.md")


def test_a_prefixed_checklist_counts_beside_a_plan_of_the_same_prefix() -> None:
    files = {"dev/release-plan.md": b"# Plan\n", "dev/release-checklist.md": b"- [ ] tag\n"}

    [task] = discover(Snapshot(files))

    assert task.path == "dev/release"
    assert task.plan is not None and task.tasks is not None


def test_loose_roots_can_be_turned_off_or_moved() -> None:
    files = {**LOOSE_DEV, "docs/plans/search-plan.md": b"# P\n", "docs/plans/sub/x-plan.md": b"# X\n"}

    off = discover(Snapshot(files), loose_roots=())
    moved = discover(Snapshot(files), loose_roots=("docs/plans",))

    assert [t.path for t in off] == ["dev/active/auth", "dev/archive/old"]
    assert [t.path for t in moved] == ["dev/active/auth", "docs/plans/search", "dev/archive/old"]


def test_a_loose_root_that_is_also_a_doc_root_is_read_once_as_the_doc_root() -> None:
    files = {"dev/job-search-plan.md": b"# P\n", "dev/scripts/run.md": b"# R\n"}

    tasks = discover(Snapshot(files), active_roots=("dev",), archive_roots=(), loose_roots=("dev",))

    assert [(t.path, t.loose) for t in tasks] == [("dev/scripts", False), ("dev/job-search", True)]


def test_an_unreadable_task_file_loose_in_dev_is_recorded_in_its_task() -> None:
    snapshot = Snapshot({"dev/job-search-plan.md": b"# P\n"},
                        unreadable={"dev/job-search-tasks.md": "symlink points outside the repository"})

    [task] = discover(snapshot)

    assert task.path == "dev/job-search"
    assert task.unreadable == (("dev/job-search-tasks.md", "symlink points outside the repository"),)


@pytest.mark.parametrize(
    ("path", "task", "under"),
    [
        ("dev/job-search-plan.md", "dev/job-search", True),
        ("dev/JOB_SEARCH_CONTEXT.md", "dev/job-search", True),
        ("dev/plan.md", "dev/(unnamed)", True),
        ("dev/README.md", None, False),
        ("dev/setup-guide.md", None, False),
        ("dev/scripts/deploy-plan.md", None, False),
        ("dev/scripts/run.sh", None, False),
        ("dev/active/auth/auth-plan.md", "dev/active/auth", True),
        ("dev/active/auth/diagram.png", "dev/active/auth", True),
        ("dev/active/magic-inbox-tasks.md", "dev/active/magic-inbox", True),
        ("dev/active/README.md", None, True),
        ("dev/archive/old/old-plan.md", "dev/archive/old", True),
        ("docs/dev/x-plan.md", None, False),
        ("src/app.py", None, False),
    ],
)
def test_doc_roots_say_which_task_a_path_belongs_to(path: str, task: str | None, under: bool) -> None:
    roots = DocRoots(("dev/active", "dev/archive"), ("dev",))

    assert roots.task_of(path) == task
    assert roots.under(path) is under


def test_doc_roots_drop_a_loose_root_that_a_doc_root_already_covers() -> None:
    assert DocRoots(("dev/active/",), ("/dev/",)).loose == ("dev",)
    assert DocRoots(("dev",), ("dev",)).loose == ()
    assert DocRoots(("docs",), ("docs/plans",)).loose == ()


def test_roots_elsewhere_names_active_folders_holding_task_files_outside_the_roots() -> None:
    paths = [
        ".claude/dev-docs/active/auth/auth-plan.md",
        ".claude/dev-docs/active/auth/auth-tasks.md",
        "Docs/dev-docs/active/map/map-context.md",
        "dev/active/ok/ok-plan.md",                      # under a configured root
        "node_modules/pkg/active/x/x-plan.md",            # vendored
        "site/active/team/README.md",                     # not a plan, context or tasks file
        "src/active/x/x-plan.py",                         # not markdown
        "notes/active-plan.md",                           # no task folder under an active folder
    ]
    assert roots_elsewhere(paths, ("dev/active", "dev/archive", "dev")) == (".claude/dev-docs/active",
                                                                            "Docs/dev-docs/active")
    assert roots_elsewhere(paths, ("dev/active",), most=1) == (".claude/dev-docs/active",)
    assert roots_elsewhere(["dev/active/ok/ok-plan.md"], ("dev/active",)) == ()


def test_roots_elsewhere_also_names_loose_task_files_and_roots_of_finished_work() -> None:
    paths = [
        ".claude/dev/active/accuracy-context.md",          # loose task files directly in an active folder
        ".claude/dev/active/accuracy-tasks.md",
        ".claude/dev/completed/skills/skills-plan.md",     # a root of finished work
        "docs/done/notes.md",                              # not a plan, context or tasks file
    ]
    assert roots_elsewhere(paths, ("dev/active",)) == (".claude/dev/active", ".claude/dev/completed")



def test_roots_elsewhere_names_the_parent_of_any_folder_whose_files_play_two_roles() -> None:
    paths = [
        "docs/tasks/task-021-latency/plan.md",           # a task folder: its parent is the root
        "docs/tasks/task-021-latency/context.md",
        ".claude/dev-docs/cleanup-plan.md",              # a task's files, named by their prefix: the folder
        ".claude/dev-docs/cleanup-tasks.md",
        "docs/payment_photo/PAYMENT_PHOTO_PLAN.md",      # one file named for the folder: a task folder
        "docs/payment_photo/GRAPH_CONTEXT.md",
        "notes/ideas/plan.md",                           # one role only: no task
        "dev/research/modularity/plan.md",               # under the loose-only root dev: still elsewhere
        "dev/research/modularity/tasks.md",
    ]
    found = roots_elsewhere(paths, ("dev/active",), loose=("dev",), most=5)
    assert set(found) == {"docs/tasks", ".claude/dev-docs", "docs", "dev/research"}


def test_roots_elsewhere_reads_a_session_log_beside_a_named_plan_as_the_context() -> None:
    paths = [
        "docs/plans/rbac/task_plan.md",      # planning-with-files: the plan and its progress log
        "docs/plans/rbac/findings.md",
        "docs/plans/rbac/progress.md",
        ".legion/tasks/sops/plan.md",        # a .legion task: the plan and its log
        ".legion/tasks/sops/log.md",
        "docs/design/implementation.md",     # two fall-back roles and no file named for one: no task
        "docs/design/status.md",
        "planning/task_plan.md",             # one bundle kept directly in a top-level folder: that folder
        "planning/progress.md",
    ]
    assert set(roots_elsewhere(paths, ("dev/active",), most=5)) == {"docs/plans", ".legion/tasks", "planning"}


def test_a_repository_with_nothing_under_the_roots_is_told_where_its_task_folders_are() -> None:
    import datetime as dt

    from rules.api import review

    snapshot = Snapshot({".claude/dev-docs/active/auth/auth-plan.md": b"# Auth plan\n\n## Goal\n\nLinks.\n"})
    result = review(snapshot, today=dt.date(2026, 1, 1))

    assert result.score is None
    assert result.notes == ("no planning task found under dev/active",
                            "task folders found under .claude/dev-docs/active: to review them, list it in roots "
                            "in .github/devdocs-review.yml (roots: [.claude/dev-docs/active])")
    focused = review(snapshot, today=dt.date(2026, 1, 1), focus=["dev/active/auth"])
    assert focused.notes == ("no planning task at dev/active/auth",)


def test_a_repository_keeping_only_finished_work_elsewhere_is_told_to_list_it_as_an_archive() -> None:
    import datetime as dt

    from rules.api import review

    snapshot = Snapshot({".claude/dev/completed/skills/skills-plan.md": b"# Skills plan\n\n## Goal\n\nShip.\n"})
    result = review(snapshot, today=dt.date(2026, 1, 1))

    assert result.notes == ("no planning task found under dev/active",
                            "finished task folders found under .claude/dev/completed: to compare with them and "
                            "check them as archived, list it in archive_roots in .github/devdocs-review.yml "
                            "(archive_roots: [.claude/dev/completed])")


def test_an_implementation_file_is_the_plan_only_where_no_file_is_named_plan() -> None:
    alone = discover(Snapshot({
        "dev/active/map/requirements.md": b"# Requirements\n",
        "dev/active/map/implementation.md": b"# Implementation\n",
        "dev/active/map/context.md": b"# Context\n",
    }))[0]
    assert alone.plan is not None and alone.plan.path == "dev/active/map/implementation.md"
    assert [d.path for d in alone.extras] == ["dev/active/map/requirements.md"]


@pytest.mark.parametrize(("fallback", "named", "role"), [
    ("map-implementation.md", "map-plan.md", "plan"),
    ("STATUS.md", "map-context.md", "context"),
    ("PROPOSAL.md", "map-plan.md", "plan"),
    ("PROGRESS.md", "map-context.md", "context"),
    ("03-implementation-notes.md", "map-context.md", "context"),
])
def test_a_fall_back_file_beside_a_named_one_is_an_extra(fallback: str, named: str, role: str) -> None:
    beside = discover(Snapshot({f"dev/active/map/{fallback}": b"# Notes\n", f"dev/active/map/{named}": b"# Doc\n"}))[0]
    chosen = getattr(beside, role)
    assert chosen is not None and chosen.path == f"dev/active/map/{named}"
    assert [d.path for d in beside.extras] == [f"dev/active/map/{fallback}"]
    assert beside.duplicates == ()  # supporting material, not a second one


def test_a_proposal_is_the_plan_and_a_progress_file_the_context_where_none_is_named() -> None:
    task = discover(Snapshot({
        "spec/archives/help/PROPOSAL.md": b"# Proposal\n",
        "spec/archives/help/PROGRESS.md": b"# Progress\n",
        "spec/archives/help/TODO.md": b"# TODO\n\n- [ ] Help\n",
    }), active_roots=("spec/archives",))[0]
    assert task.plan is not None and task.plan.path == "spec/archives/help/PROPOSAL.md"
    assert task.context is not None and task.context.path == "spec/archives/help/PROGRESS.md"
    assert task.tasks is not None and task.extras == ()


def test_a_status_file_is_the_context_of_a_versioned_plan_in_a_team_root() -> None:
    task = discover(Snapshot({
        "docs/dev/done/ldind/STATUS.md": b"# Status\n\nstatus: completed\n",
        "docs/dev/done/ldind/plan-v1-01.md": b"# Plan\n",
    }), active_roots=("docs/dev/done",))[0]
    assert task.context is not None and task.context.path == "docs/dev/done/ldind/STATUS.md"
    assert task.plan is not None and task.plan.path == "docs/dev/done/ldind/plan-v1-01.md"


@pytest.mark.parametrize(("files", "root", "context"), [
    # a numbered bundle: 00-overview / 01-plan / … / 03-implementation-notes ("updated as work proceeds")
    (("export/00-overview.md", "export/01-plan.md", "export/03-implementation-notes.md", "export/04-verification.md"),
     "dev/active", "export/03-implementation-notes.md"),
    # a role-named file about something else (a lookup table) gives way to the folder's progress file…
    (("payment_photo/PAYMENT_PHOTO_PLAN.md", "payment_photo/GRAPH_CONTEXT.md", "payment_photo/PROGRESS.md"),
     "docs", "payment_photo/PROGRESS.md"),
    # …and keeps the role when nothing else can play it
    (("payment_photo/PAYMENT_PHOTO_PLAN.md", "payment_photo/GRAPH_CONTEXT.md"),
     "docs", "payment_photo/GRAPH_CONTEXT.md"),
    # a .legion/tasks folder keeps its living state in log.md
    (("sops/plan.md", "sops/log.md", "sops/docs/rfc.md"), ".legion/tasks", "sops/log.md"),
    # a planning-with-files bundle kept directly in a root: the root's only task, its log the context
    (("task_plan.md", "findings.md", "progress.md"), "planning", "progress.md"),
])
def test_the_file_that_plays_the_context(files: tuple[str, ...], root: str, context: str) -> None:
    (task,) = discover(Snapshot({f"{root}/{name}": b"# Doc\n" for name in files}), active_roots=(root,))
    assert task.context is not None and task.context.path == f"{root}/{context}"
    assert sorted(d.path for d in task.extras) == sorted(
        f"{root}/{name}" for name in files if name != context and "PLAN" not in name and "plan" not in name)


def test_a_log_of_another_roles_file_or_beside_other_loose_tasks_is_no_context() -> None:
    (todo,) = discover(Snapshot({"dev/active/sops/plan.md": b"# P\n", "dev/active/sops/todo-log.md": b"# L\n",
                                 "dev/active/sops/tasks.md": b"# T\n"}))
    loose = discover(Snapshot({"planning/auth-plan.md": b"# P\n", "planning/billing-plan.md": b"# P\n",
                               "planning/progress.md": b"# L\n"}), active_roots=("planning",))

    assert todo.context is None and [d.name for d in todo.extras] == ["todo-log.md"]
    assert [t.name for t in loose] == ["auth", "billing"] and all(t.context is None for t in loose)
