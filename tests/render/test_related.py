"""A finding's related places in every output: JSON ``related``, SARIF ``relatedLocations``, one
check-run annotation per file involved, "also at …" in Markdown, text and HTML."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from rules.core.finding import Category, Severity
from rules.render.check import render_check
from rules.render.html import render_html
from rules.render.json import render_json
from rules.render.markdown import render_markdown
from rules.render.sarif import render_sarif
from rules.render.text import render_text
from tests.render.factories import finding, link, review, task_report

ROOT = Path(__file__).parents[2]
TASK = "dev/active/auth"
PLAN = f"{TASK}/auth-plan.md"
CONTEXT = f"{TASK}/auth-context.md"
TASKS = f"{TASK}/auth-tasks.md"
CONFLICT = finding("CON001", severity=Severity.HIGH, category=Category.CONSISTENCY, path=CONTEXT, line=12,
                   key="Phase 2",
                   message="'Phase 2' is marked COMPLETE in auth-context.md but PENDING in auth-tasks.md.",
                   related=[(TASKS, 30), (TASKS, 41), (PLAN, 7), (CONTEXT, 50)])


def _validator(path: Path) -> jsonschema.Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_json_lists_related_places_and_validates_against_the_schema() -> None:
    plain = finding(key="x", line=4)
    data = json.loads(render_json(review(task_report("auth", [CONFLICT, plain]))))

    _validator(ROOT / "rules" / "data" / "review.schema.json").validate(data)
    by_rule = {f["rule"]: f for f in data["tasks"][0]["findings"]}
    assert by_rule["CON001"]["related"] == [{"path": TASKS, "line": 30}, {"path": TASKS, "line": 41},
                                            {"path": PLAN, "line": 7}, {"path": CONTEXT, "line": 50}]
    assert by_rule["TSK004"]["related"] == []
    assert data["schema_version"] == 3


def test_sarif_carries_related_locations_with_id_physical_location_and_message() -> None:
    log = json.loads(render_sarif(review(task_report("auth", [CONFLICT]))))

    _validator(ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").validate(log)
    (result,) = log["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [r["id"] for r in related] == [1, 2, 3, 4]
    assert [(r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"])
            for r in related] == [(TASKS, 30), (TASKS, 41), (PLAN, 7), (CONTEXT, 50)]
    assert related[0]["message"]["text"] == "Also CON001 con001-problem here (place 2 of 5)."
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 12


def test_sarif_has_no_related_locations_for_a_one_place_finding() -> None:
    log = json.loads(render_sarif(review(task_report("auth", [finding()]))))

    assert "relatedLocations" not in log["runs"][0]["results"][0]


def test_check_run_annotates_each_file_involved_once_saying_where_else() -> None:
    notes = render_check(review(task_report("auth", [CONFLICT]))).annotations

    assert [(a.path, a.start_line) for a in notes] == [(CONTEXT, 12), (TASKS, 30), (PLAN, 7)]
    assert {a.title for a in notes} == {"CON001 con001-problem (high)"}
    assert f"\nAlso at {TASKS}:30, {TASKS}:41, {PLAN}:7, {CONTEXT}:50\nFix:" in notes[0].message
    assert f"\nAlso at {CONTEXT}:12, {TASKS}:41, {PLAN}:7, {CONTEXT}:50\nFix:" in notes[1].message
    assert notes[2].message.startswith(CONFLICT.message + f"\nAlso at {CONTEXT}:12, {TASKS}:30, {TASKS}:41,")


def test_check_run_annotation_cap_counts_every_file_annotation() -> None:
    output = render_check(review(task_report("auth", [CONFLICT])), max_annotations=2)

    assert [(a.path, a.start_line) for a in output.annotations] == [(CONTEXT, 12), (TASKS, 30)]
    assert "1 annotation left out" in output.summary


def test_check_run_annotates_only_files_that_can_carry_one() -> None:
    folder_level = finding("STR004", path=TASK, key="f", related=[(f"{TASK}/notes.txt", 3), (TASKS, 8)])

    notes = render_check(review(task_report("auth", [folder_level]))).annotations

    assert [(a.path, a.start_line) for a in notes] == [(TASKS, 8)]


def test_markdown_text_and_html_say_also_at_after_the_evidence() -> None:
    report = review(task_report("auth", [CONFLICT]))

    markdown = render_markdown(report, link=link)
    text = render_text(report)
    page = render_html(report)

    assert ("(also at [`auth-tasks.md:30`](https://github.com/acme/app/blob/" in markdown
            and "auth-context.md#L50)" in markdown)
    assert (f"PENDING in auth-tasks.md. (also at {TASKS}:30, {TASKS}:41, {PLAN}:7, {CONTEXT}:50)"
            in text)
    assert '<span class="also"> (also at <span class="loc" title="dev/active/auth/auth-tasks.md">' in page
    assert "<code>auth-plan.md:7</code>" in page


def test_also_at_names_ten_places_and_counts_the_rest() -> None:
    many = finding("SEC002", path=PLAN, line=1, key="root@db", message="Root login 'root@db'.",
                   related=[(PLAN, n) for n in range(2, 15)])

    text = render_text(review(task_report("auth", [many])))

    assert f"{PLAN}:11 and 3 more)" in text and f"{PLAN}:12" not in text


def test_related_paths_are_made_inert_like_any_doc_text() -> None:
    hostile = f"{TASK}/@alice <b>#12.md"
    odd = finding(path=PLAN, key="h", related=[(hostile, 3)])
    report = review(task_report("auth", [odd]))

    page = render_html(report)
    markdown = render_markdown(report)

    assert "<b>#12" not in page and "&lt;b&gt;#12.md:3" in page
    assert "`@alice <b>#12.md:3`" in markdown  # a code span: GitHub neither mentions nor links in code
    primary, other = render_check(report).annotations
    assert f"Also at {TASK}/@\u200dalice <b>#\u200d12.md:3" in primary.message  # no mention, no issue link
    assert other.path == hostile and f"Also at {PLAN}:1" in other.message
