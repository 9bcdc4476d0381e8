"""Workflow commands, step outputs and the job summary: GitHub's escaping rules, and doc text that
can neither start a command of its own nor mention anyone."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.action.report import (
    Summary,
    annotation_commands,
    command,
    escape_data,
    escape_property,
    output_text,
    summary_markdown,
)
from bot.github.values import CheckAnnotation
from rules.render.markdown import COMMENT_MARKER
from rules.render.neutral import ZWJ
from tests.action.steps import COMMAND, parse_outputs, unescape


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("a:b,c") == "a:b,c"  # the message keeps colons and commas


def test_an_annotation_is_one_command_line_whatever_the_doc_says() -> None:
    hostile = "x\n::add-mask::oops\r\n::stop-commands::t"
    note = CheckAnnotation("dev/active/a,b:c/x.md", 3, 5, "failure", f"bad {hostile}", f"TSK001 {hostile}")

    [line] = annotation_commands([note])

    assert "\n" not in line and "\r" not in line
    match = COMMAND.match(line)
    assert match is not None and match["name"] == "error"
    assert match["props"] == ("file=dev/active/a%2Cb%3Ac/x.md,line=3,endLine=5,"
                              "title=TSK001 x%0A%3A%3Aadd-mask%3A%3Aoops%0D%0A%3A%3Astop-commands%3A%3At")
    assert unescape(match["message"]) == f"bad {hostile}"


def test_levels_and_single_line_annotations() -> None:
    lines = annotation_commands([CheckAnnotation("p.md", 7, 7, "warning", "w"),
                                 CheckAnnotation("p.md", 1, 1, "notice", "n", "T")])

    assert lines == ["::warning file=p.md,line=7::w", "::notice file=p.md,line=1,title=T::n"]
    assert command("warning", "once", title="devdocs-review") == "::warning title=devdocs-review::once"


def test_at_most_ten_annotations_of_a_kind_and_a_notice_counting_the_rest() -> None:
    notes = [CheckAnnotation("p.md", i, i, "failure", f"e{i}") for i in range(1, 15)]
    notes += [CheckAnnotation("p.md", i, i, "warning", f"w{i}") for i in range(1, 4)]

    lines = annotation_commands(notes)

    assert [line.split(" ", 1)[0] for line in lines] == ["::error"] * 10 + ["::warning"] * 3 + ["::notice"]
    assert lines[-1] == ("::notice title=devdocs-review::4 more finding(s) are not shown as annotations "
                         "(GitHub shows 10 of a kind per step): see the job summary.")


@given(st.dictionaries(st.sampled_from(["score", "grade", "gate", "sarif-file", "html-report"]),
                       st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"),
                               max_size=40)))
def test_outputs_read_back_as_written(values: dict[str, str]) -> None:
    assert parse_outputs(output_text(values)) == values  # line breaks included, inside the delimiters


def test_the_summary_neutralises_our_own_lines_and_drops_the_comment_markers() -> None:
    summary = summary_markdown(Summary(
        review=f"{COMMENT_MARKER}\n## 📋 devdocs-review: F (40/100)\n",
        not_published="GitHub answered 403 (ask @octocat, see #12)",
        replies=["@bob Only people with write access can approve (#3)."],
        html_report="out/review.html",
        run_url="https://github.com/o/r/actions/runs/9",
    ))

    assert COMMENT_MARKER not in summary and summary.count("## 📋 devdocs-review: F (40/100)") == 1
    assert "@octocat" not in summary and "@bob" not in summary and "#12" not in summary and "#3" not in summary
    assert f"@{ZWJ}octocat" in summary and f"@{ZWJ}bob" in summary
    assert "`review.html`" in summary and "(https://github.com/o/r/actions/runs/9#artifacts)" in summary
