"""DOC040 / CTX008 and LNK002 behaviour that fixtures cannot state: related places, the split of
work between CTX008 and DOC040, the copy thresholds, and LNK002's silence without a tree."""

from __future__ import annotations

import datetime as dt

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.finding import Finding, Location, Severity
from rules.core.model import Role
from rules.core.parse import parse_document
from rules.core.units import units
from rules.registry import RULES_BY_CODE

TODAY = dt.date(2026, 1, 15)
COPY = "The importer skips rows without an account number and logs each skipped row with its line number."


def findings(files: dict[str, str], *codes: str, has_tree: bool = True) -> list[Finding]:
    snapshot = Snapshot({p: t.encode() for p, t in files.items()}, has_tree=has_tree)
    result = review(snapshot, today=TODAY, rules=[RULES_BY_CODE[c]() for c in codes])
    return [f for task in result.tasks for f in task.findings]


def imp(plan: str, context: str, tasks: str) -> dict[str, str]:
    """The importer task's three files, each body under its title (the tasks file's after one open box)."""
    return {"dev/active/imp/imp-plan.md": f"# Plan\n\n{plan}\n",
            "dev/active/imp/imp-context.md": f"# Context\n\n{context}\n",
            "dev/active/imp/imp-tasks.md": f"# Tasks\n\n- [ ] Import (1h)\n\n{tasks}\n"}


def test_doc040_names_every_other_place_as_related() -> None:
    files = imp(COPY, f"Intro.\n\n{COPY}", COPY)
    [found] = findings(files, "DOC040")
    assert (found.path, found.line) == ("dev/active/imp/imp-plan.md", 3)
    assert found.related == (Location("dev/active/imp/imp-context.md", 5), Location("dev/active/imp/imp-tasks.md", 5))
    assert "imp-context.md:5" in found.message and "imp-tasks.md:5" in found.message


def test_a_repeat_within_the_context_is_ctx008s_and_one_reaching_another_file_is_doc040s() -> None:
    inside = {"dev/active/imp/imp-context.md": f"# Context\n\n{COPY}\n\n## Decisions\n\n{COPY}\n"}
    assert [f.rule for f in findings(inside, "DOC040", "CTX008")] == ["CTX008"]
    across = {**inside, "dev/active/imp/imp-plan.md": f"# Plan\n\n{COPY}\n"}
    assert [f.rule for f in findings(across, "DOC040", "CTX008")] == ["DOC040"]


def test_an_edited_copy_counts_across_files_but_not_within_one() -> None:
    block = ["export TARGET=staging-eu", "./deploy.sh --region eu-west-1 --replicas 3",
             "./smoke-test.sh --timeout 120 --retries 2", "./notify.sh --channel releases"]
    edited = [*block[:3], "./notify.sh --channel deployments"]
    fence = "```bash\n{}\n```\n".format
    across = {"dev/active/d/d-plan.md": "# Plan\n\n" + fence("\n".join(block)),
              "dev/active/d/d-tasks.md": "# Tasks\n\n" + fence("\n".join(edited))}
    [found] = findings(across, "DOC040")
    assert "with edits" in found.message
    within = {"dev/active/d/d-plan.md": "# Plan\n\n" + fence("\n".join(block)) + "\n" + fence("\n".join(edited))}
    assert findings(within, "DOC040") == []
    one_of_four = [block[1], "./migrate.sh --database orders --dry-run", "./warm-cache.sh --all --parallel 4",
                   "./rotate-logs.sh --keep 7"]
    apart = {**across, "dev/active/d/d-tasks.md": "# Tasks\n\n" + fence("\n".join(one_of_four))}
    assert findings(apart, "DOC040") == []


def test_a_block_retyped_with_comments_and_other_values_is_a_drifted_copy() -> None:
    block = ["export TARGET=staging-eu", "./deploy.sh --region eu-west-1 --replicas 3",
             "./smoke-test.sh --timeout 120 --retries 2", "./notify.sh --channel releases"]
    retyped = ["# target", "export TARGET=staging-eu", "# deploy", "./deploy.sh --region eu-west-1 --replicas 3",
               "./smoke-test.sh --timeout 30", "./notify.sh --channel ops"]
    fence = "```bash\n{}\n```\n".format
    files = {"dev/active/d/d-plan.md": "# Plan\n\n" + fence("\n".join(block)),
             "dev/active/d/d-context.md": "# Context\n\n" + fence("\n".join(retyped))}
    [found] = findings(files, "DOC040")
    assert "with edits" in found.message and found.related == (Location("dev/active/d/d-context.md", 3),)
    described = {**files, "dev/active/d/d-context.md": "# Context\n\nWe run " + " then ".join(
        f"`{line}`" for line in block) + " on every release.\n"}
    assert findings(described, "DOC040") == []  # a sentence naming the commands is not a copy of the block


def test_templates_and_short_units_are_not_worth_comparing() -> None:
    text = ("# T\n\n```\nCompleted: YYYY-MM-DD\nIssues encountered during this step, if any:\nNext steps:\n```\n\n"
            "Short line here.\n\n- [ ] one\n- [ ] two\n")
    doc = parse_document("dev/active/t/t-tasks.md", text, Role.TASKS)
    assert [u.big_enough for u in units(doc)] == [False, False, False]


def test_checkbox_ticks_do_not_hide_a_second_checklist() -> None:
    items = ["Resize every upload to three sizes in a background job", "Serve the thumbnails from the CDN"]
    plan = "# Plan\n\n" + "".join(f"- [ ] {i}\n" for i in items)
    tasks = "# Tasks\n\n" + "".join(f"- [x] {i}\n" for i in items)
    [found] = findings({"dev/active/u/u-plan.md": plan, "dev/active/u/u-tasks.md": tasks}, "DOC040")
    assert found.message.startswith("The same list")


REPO = {
    "README.md": "# App\n",
    "src/app.py": "\n",
    "docs/GUIDE.md": "# Guide\n",
    "dev/active/b/b-context.md": "# Context\n\n## Notes\n\nSee `docs/MISSING.md` and ../gone/REPORT.md.\n",
}


def test_lnk002_reports_with_a_tree_and_stays_silent_without_one() -> None:
    [found] = findings(REPO, "LNK002")
    assert found.message.split("'")[1] == "docs/MISSING.md"
    assert found.message.endswith("1 more path in the task's documents does not resolve either: '../gone/REPORT.md' "
                                  "(line 5).")
    assert findings(REPO, "LNK002", has_tree=False) == []


def test_lnk002_reports_every_broken_path_of_the_task_as_one_finding() -> None:
    """Issue 9 item 8: the broken paths of a folder are one problem, every place kept; the document
    holding most of them leads (its category, its first path's message), and the score is unchanged."""
    repo = {**REPO,
            "dev/active/b/b-plan.md": "# Plan\n\nRead ../gone/NOTES.md first.\n",
            "dev/active/b/b-tasks.md": "# Tasks\n\n- [x] Wrote docs/DONE.md\n- [x] Wrote docs/ALSO.md\n"
                                       "- [x] Wrote docs/THIRD.md\n"}
    [found] = findings(repo, "LNK002")
    lead = "dev/active/b/b-tasks.md"
    assert (found.path, found.line, found.category.value) == (lead, 3, "tasks")
    assert found.message.startswith("Path 'docs/DONE.md' is not in the repository")
    assert found.message.endswith(
        "5 more paths in the task's documents do not resolve either: '../gone/NOTES.md' (b-plan.md:3), "
        "'docs/MISSING.md' (b-context.md:5), '../gone/REPORT.md' (b-context.md:5), 'docs/ALSO.md' (line 4), "
        "'docs/THIRD.md' (line 5).")
    assert set(found.related) == {Location("dev/active/b/b-plan.md", 3), Location("dev/active/b/b-context.md", 5),
                                  Location(lead, 4), Location(lead, 5)}
    assert found.effort_minutes == 30 and found.penalty == RULES_BY_CODE["LNK002"]().grouped_penalty(6)
    one = findings({**repo, "dev/active/b/b-tasks.md": "# Tasks\n\n- [x] Wrote docs/DONE.md\n"}, "LNK002")
    assert [f.fingerprint for f in one] != [found.fingerprint]  # another lead document, another problem


def test_lnk002_checks_only_the_doc_roots_when_the_tree_holds_only_the_docs() -> None:
    docs_only = {"dev/active/b/b-context.md": REPO["dev/active/b/b-context.md"]}
    assert [f.message.split("'")[1] for f in findings(docs_only, "LNK002")] == ["../gone/REPORT.md"]


def test_lnk002_leaves_lines_about_files_to_come_alone() -> None:
    repo = {**REPO, "dev/active/b/b-context.md": (
        "# Context\n\n## Notes\n\nCreate `docs/NEW.md` next.\n\nNew files:\n- `docs/LATER.md`\n\n"
        "- [ ] Write docs/TODO.md\n- [x] Wrote docs/DONE.md\n")}
    assert [f.message.split("'")[1] for f in findings(repo, "LNK002")] == ["docs/DONE.md"]


def test_comment_lines_of_code_do_not_count_towards_a_near_copy() -> None:
    text = "# T\n\n```bash\n# start the stack first\nmake start-stack --detach\n// note\nmake seed-demo-data\n```\n"
    [unit] = units(parse_document("dev/active/t/t-plan.md", text, Role.PLAN))
    assert unit.items == ("make start-stack --detach", "make seed-demo-data")
    assert unit.key.startswith("# start the stack first")


def test_the_template_test_finds_what_the_template_pattern_finds() -> None:
    import random

    from rules.core.units import _TEMPLATE_RE, _is_template

    pieces = ["yyyy", "dd/mm", "hh:mm", "xx", "x", "tbd", "lorem ipsum", "<", "[", "your", "date", "fill", " ", "a",
              "-", "/", "todo", "name", "describe", "insert", "_"]
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    assert all(_is_template(t) == (_TEMPLATE_RE.search(t) is not None) for t in texts)
    assert any(_is_template(t) for t in texts) and not all(_is_template(t) for t in texts)


def test_blocks_repeated_among_the_same_files_are_one_finding_naming_every_place() -> None:
    steps = ["Stop the writers and wait for the replication lag to reach zero before moving on",
             "Snapshot the primary volume and note the snapshot id in the change ticket"]
    fence = ("```bash\npg_dump --format=custom --file=/backups/orders.dump orders\n"
             "pg_restore --list /backups/orders.dump\n```\n")
    plan = "# Plan\n\n## Cutover\n\n" + "".join(f"- {s}\n" for s in steps) + "\n## Backup\n\n" + fence
    context = "# Context\n\n## Steps\n\n" + "".join(f"- {s}\n" for s in steps) + "\n## Commands\n\n" + fence
    files = {"dev/active/db/db-plan.md": plan, "dev/active/db/db-context.md": context}
    [found] = findings(files, "DOC040")
    assert (found.path, found.line) == ("dev/active/db/db-plan.md", 5)
    assert found.related == (Location("dev/active/db/db-context.md", 5), Location("dev/active/db/db-plan.md", 10),
                             Location("dev/active/db/db-context.md", 10))
    assert found.message.startswith("2 blocks are repeated between 'db-plan.md' and 'db-context.md'")
    third = {**files, "dev/active/db/db-tasks.md": "# Tasks\n\n" + fence}
    # the block also in the tasks file: the copies among more files take in the others, one finding
    [found] = findings(third, "DOC040")
    assert found.message.startswith("2 blocks are repeated between 'db-plan.md', 'db-context.md' and 'db-tasks.md'")
    assert Location("dev/active/db/db-tasks.md", 3) in found.related
    assert Location("dev/active/db/db-context.md", 5) in found.related


def test_a_plan_tracker_whose_lists_are_copies_is_reported_once_as_copies() -> None:
    first = ["Emit an event when an order ships from any warehouse", "Store every event in an outbox table first"]
    second = ["Build the invoices from the outbox every hour", "Retire the monthly cron job after a parallel run"]
    body = "".join(f"## Phase {n}: Step\n\n" + "".join(f"- [ ] {i}\n" for i in items) + "\n"
                   for n, items in ((1, first), (2, second)))
    files = {"dev/active/b/b-plan.md": "# Plan\n\n" + body, "dev/active/b/b-tasks.md": "# Tasks\n\n" + body}
    [found] = findings(files, "DOC040")
    assert found.message.startswith("2 blocks are repeated between 'b-plan.md' and 'b-tasks.md'")


def test_lnk001_reports_every_broken_link_of_the_task_as_one_finding() -> None:
    plan = "# Plan\n\nSee [guide](../../../docs/GUIDE.md), [old](../../../docs/OLD.md), [far](../../../../../x.md).\n"
    repo = {**REPO, "dev/active/b/b-plan.md": plan,
            "dev/active/b/b-tasks.md": "# Tasks\n\n- [ ] Read [the old guide](../../../docs/OLD.md)\n"}
    [found] = findings(repo, "LNK001")
    assert (found.path, found.line, found.severity) == ("dev/active/b/b-plan.md", 3, Severity.MEDIUM)
    assert found.message == ("Link '../../../docs/OLD.md' points to 'docs/OLD.md', which is not in the repository. "
                             "1 more link in the task's documents does not resolve either: '../../../../../x.md' "
                             "(line 3).")
    assert found.related == (Location("dev/active/b/b-tasks.md", 3),)
    assert found.penalty == RULES_BY_CODE["LNK001"]().grouped_penalty(2) and found.effort_minutes == 10
    assert "'../../../../../x.md': Remove the extra `../` segments" in found.fix


OTHER_COPY = "Every export run writes a manifest with the row count, the checksum and the time it finished at."


def test_doc040_reports_the_tasks_sets_of_copies_as_one_finding_and_a_waiver_splits_them() -> None:
    files = imp(COPY, f"{COPY}\n\n## Notes\n\n{OTHER_COPY}", OTHER_COPY)
    [found] = findings(files, "DOC040")
    assert (found.path, found.line) == ("dev/active/imp/imp-plan.md", 3)
    assert found.message.startswith("The task's documents hold 2 sets of copies: (1) The same paragraph (")
    assert " (2) The same paragraph (" in found.message
    context, tasks = "dev/active/imp/imp-context.md", "dev/active/imp/imp-tasks.md"
    assert set(found.related) == {Location(context, 3), Location(context, 7), Location(tasks, 5)}
    assert found.penalty == RULES_BY_CODE["DOC040"]().grouped_penalty(2)

    waived = {**files, "dev/active/imp/imp-plan.md": '<!-- devdocs-review-disable DOC040 reason="quoted" -->\n'
              + files["dev/active/imp/imp-plan.md"]}
    snapshot = Snapshot({p: t.encode() for p, t in waived.items()})
    [task] = review(snapshot, today=TODAY, rules=[RULES_BY_CODE["DOC040"]()]).tasks
    assert [f.path for f in task.waived] == ["dev/active/imp/imp-plan.md"]
    # the copies between the context and the tasks file are still reported, on their own
    assert [(f.path, f.message.startswith("The same paragraph")) for f in task.findings] == [(context, True)]


def test_lnk003_counts_its_other_places_and_leaves_naming_them_to_the_report() -> None:
    context = "# Clip\n\n- Source: /Users/ada/clips/a.mp4\n- Output: /Users/ada/clips/out/\n- See /Users/ada/notes.md\n"
    snapshot = Snapshot({"dev/active/clip/clip-context.md": context.encode()})

    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[RULES_BY_CODE["LNK003"]()], strict=True)

    (found,) = [f for task in result.tasks for f in task.findings]
    assert found.message == ("'/Users/ada/' is a path in one person's home folder (and 2 more places); no other "
                             "reader or machine can open it.")
    assert [place.line for place in found.related] == [4, 5]


def test_lnk001_files_a_broken_link_under_its_documents_category() -> None:
    """As LNK002's paths: a broken link in the context is the context's problem, one in the plan
    the plan's; a README beside them has no role category and stays under structure."""
    repo = {**REPO, "dev/active/b/b-context.md": "# Context\n\nSee [the guide](../../../docs/GONE.md).\n"}
    [found] = findings(repo, "LNK001")
    assert (found.path, found.category.value) == ("dev/active/b/b-context.md", "context")
    plan = {**REPO, "dev/active/b/b-plan.md": "# Plan\n\nRead [the notes](../gone/NOTES.md).\n"}
    assert [(f.path, f.category.value) for f in findings(plan, "LNK001")] == [("dev/active/b/b-plan.md", "plan")]
    readme = {**REPO, "dev/active/b/README.md": "# B\n\n[Report](../gone/REPORT.md)\n"}
    assert [(f.path, f.category.value) for f in findings(readme, "LNK001")] == [("dev/active/b/README.md", "structure")]
