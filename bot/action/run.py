"""``devdocs-review action``: one workflow step, read top-down.

1. read the Actions environment and the event payload (``env.py``, ``event.py``); any problem is a
   one-line error and exit code 2;
2. build the review's context around the workflow token (``bot/github/connect.py``,
   ``github_for_token``) with the bot identity ``github-actions`` (its comments are
   ``github-actions[bot]``'s: the sticky comment is looked for among them) and a
   :class:`~bot.action.fallback.FallbackPort` in front of GitHub;
3. do exactly what the App does for the event: review the pull request
   (``bot.review.flow.review_pull_request``: config from the base commit, the sticky comment
   upserted, one check run with annotations, the delta against the base) or act on the
   ``/review`` comment (``bot.review.commands.handle_comment``: the same permission checks,
   approvals and waivers);
4. report: step outputs, the job summary, the SARIF file and the HTML report; when the token could
   not write (a fork's pull request, missing permissions) one ``::warning::`` line and the check
   run's annotations as workflow commands instead;
5. exit with the gate's code: 0 passed (or nothing to review, or a draft not blocked), 1 failed,
   2 an invalid config or an error.

Nothing from the pull request's branch is executed or trusted: its docs are read through the API
at the head SHA, the config comes from the base commit, and no checkout is used.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TextIO

import httpx

from bot.action import report
from bot.action.env import ActionEnv, ActionError, read_env
from bot.action.event import NothingToDo, ReviewPullRequest, RunCommand, Target, load_event, target_of
from bot.action.fallback import Fallback, FallbackPort
from bot.github.connect import github_for_token
from bot.github.errors import GitHubError
from bot.github.port import GitHubPort, PortFactory
from bot.github.values import GITHUB_ACTIONS_APP
from bot.logs import Scrubber
from bot.review import commands, flow
from bot.review.context import AppContext
from bot.review.outcome import Outcome
from rules.render.html import render_html
from rules.render.markdown import COMMENT_MARKER
from rules.render.sarif import render_sarif

log = logging.getLogger(__name__)

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


@dataclass
class Collector:
    """The context's observer: every outcome the review published, in order."""

    outcomes: list[Outcome] = field(default_factory=list)

    def published(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)

    @property
    def last(self) -> Outcome | None:
        return self.outcomes[-1] if self.outcomes else None


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the step reports: its exit code, outputs and why."""

    code: int
    gate: report.Gate
    score: str = ""
    grade: str = ""
    error: str | None = None  # a one-line reason for exit code 2


def main(environ: Mapping[str, str], *, check_name: str | None = None, html_report: str | None = None,
         sarif_file: str | None = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr,
         transport: httpx.AsyncBaseTransport | None = None) -> int:
    """Run the Action's step; returns the exit code. *transport*: tests serve the fake GitHub."""
    try:
        env = read_env(environ, check_name=check_name, html_report=html_report, sarif_file=sarif_file)
        target = target_of(env.event_name, load_event(env.event_path))
    except ActionError as error:
        return _error(str(error), stdout, stderr)
    fallback = Fallback()
    collector = Collector()
    if isinstance(target, NothingToDo):
        return _finish(env, target, collector, fallback, Verdict(EXIT_PASSED, "nothing-to-review"), stdout, stderr)
    if isinstance(target, ReviewPullRequest) and target.read_only:
        fallback = Fallback.read_only(
            f"the pull request comes from the fork {target.pr.head_repo_full_name or '(deleted)'}, and a "
            "`pull_request` run's token is read-only")
    try:
        asyncio.run(_act(env, target, collector, fallback, transport))
    except Exception as error:  # the check run, if created, already says so (bot/review/failure.py)
        if not isinstance(error, GitHubError):
            log.exception("the review failed")
        detail = Scrubber([env.settings.token.get_secret_value()]).scrub(str(error)) or type(error).__name__
        verdict = Verdict(EXIT_ERROR, "failed", error=f"the review failed: {detail}")
        return _finish(env, target, collector, fallback, verdict, stdout, stderr)
    return _finish(env, target, collector, fallback, verdict_of(collector.last), stdout, stderr)


async def _act(env: ActionEnv, target: ReviewPullRequest | RunCommand, collector: Collector,
               fallback: Fallback, transport: httpx.AsyncBaseTransport | None) -> None:
    ctx = AppContext(env.settings, _guarded(github_for_token(env.settings, transport=transport), fallback),
                     identity=GITHUB_ACTIONS_APP, observer=collector)
    if isinstance(target, ReviewPullRequest):
        await flow.review_pull_request(ctx, target.pr, reason=target.reason)
    else:
        await commands.handle_comment(ctx, target.command)


def _guarded(factory: PortFactory, fallback: Fallback) -> PortFactory:
    @asynccontextmanager
    async def open_port(installation_id: int) -> AsyncIterator[GitHubPort]:
        async with factory(installation_id) as gh:
            yield FallbackPort(gh, fallback, GITHUB_ACTIONS_APP)

    return open_port


def verdict_of(outcome: Outcome | None) -> Verdict:
    """The step's exit code and outputs from the last published outcome (None: no review ran,
    e.g. ``/review help``)."""
    if outcome is None or outcome.kind == "superseded":
        return Verdict(EXIT_PASSED, "nothing-to-review")
    if outcome.kind == "config_error":
        return Verdict(EXIT_ERROR, "failed", error="invalid config: " + "; ".join(outcome.config_errors[:5]))
    head = outcome.head
    if outcome.kind == "no_docs" or head is None or head.score is None or head.grade is None:
        return Verdict(EXIT_PASSED, "nothing-to-review")
    gate: report.Gate = "passed" if outcome.conclusion == "success" else "failed"  # an approval passes it
    code = EXIT_FAILED if outcome.conclusion == "failure" else EXIT_PASSED  # a draft's neutral does not fail
    return Verdict(code, gate, str(head.score), head.grade)


def _finish(env: ActionEnv, target: Target, collector: Collector, fallback: Fallback, verdict: Verdict,
            stdout: TextIO, stderr: TextIO) -> int:
    outcome = collector.last
    head = outcome.head if outcome is not None else None
    sarif = html = ""
    if head is not None and outcome is not None:
        if env.sarif_file is not None:
            report.write(env.sarif_file, render_sarif(head))
            sarif = str(env.sarif_file)
        if env.html_report is not None:
            title = f"devdocs-review: {outcome.pr.repo.full_name}#{outcome.pr.number}"
            report.write(env.html_report, render_html(head, base=outcome.base, link=outcome.pr.blob_url,
                                                     audit=outcome.audit, title=title))
            html = str(env.html_report)
    if env.output is not None:
        values = {"score": verdict.score, "grade": verdict.grade, "gate": verdict.gate, "sarif-file": sarif,
                  "html-report": html}
        report.append(env.output, report.output_text(values))
    if env.step_summary is not None:
        report.append(env.step_summary, report.summary_markdown(_summary(env, target, outcome, fallback, html)))
    if fallback.active:
        stdout.write(report.command("warning", f"devdocs-review: {fallback.reason()}. The review is in the job "
                                               "summary and in annotations.", title="devdocs-review") + "\n")
        if outcome is not None:
            for line in report.annotation_commands(outcome.output.annotations):
                stdout.write(line + "\n")
    if verdict.error is not None:
        return _error(verdict.error, stdout, stderr, code=verdict.code)
    return verdict.code


def _summary(env: ActionEnv, target: Target, outcome: Outcome | None, fallback: Fallback,
             html: str) -> report.Summary:
    if outcome is not None:
        review = outcome.markdown
    elif isinstance(target, NothingToDo):
        review = report.nothing_markdown(target.why)
    else:
        review = report.nothing_markdown("no review ran for this event (the command was answered on the pull "
                                         "request, or refused there)")
    replies = [body for body in fallback.posted if COMMENT_MARKER not in body]
    return report.Summary(review, fallback.reason() if fallback.active else None, replies, html or None,
                          env.run_url)


def _error(message: str, stdout: TextIO, stderr: TextIO, *, code: int = EXIT_ERROR) -> int:
    line = " ".join(message.split())
    stderr.write(f"devdocs-review: error: {line}\n")
    stdout.write(report.command("error", line, title="devdocs-review") + "\n")
    return code
