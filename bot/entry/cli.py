"""``devdocs-review``: the command line. Same engine, same output as the GitHub App.

Exit codes: 0 gate passed, 1 gate failed, 2 usage, config or input error (one line on stderr).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rules.core.config import ConfigError, ReviewConfig

EXIT_PASSED, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "markdown", "json", "sarif", "html")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="devdocs-review", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="review the planning docs of a checkout")
    check.add_argument("path", nargs="?", default=".", type=Path,
                       help="repository root, a doc root (dev/active), one task folder or one task file "
                            "(dev/<task>-plan.md) (default: .)")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument("--output", "-o", type=Path, help="write the report here instead of stdout")
    check.add_argument("--config", type=Path, help="config file (default: <repo>/.github/devdocs-review.yml)")
    check.add_argument("--min-score", type=_score, help="override gate.min_score (0-100)")
    check.add_argument("--today", type=_date, help="review as of this date (YYYY-MM-DD; default: today)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when the gate fails (errors still exit 2)")
    check.add_argument("--color", action=argparse.BooleanOptionalAction, default=None,
                       help="colour text output (default: when stdout is a terminal)")

    rules = sub.add_parser("rules", help="list the review rules")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    explain = sub.add_parser("explain", help="print a rule's documentation with bad/good examples")
    explain.add_argument("code", help="rule code, e.g. CTX002")
    sub.add_parser("schema", help="print the JSON Schema of .github/devdocs-review.yml")

    serve = sub.add_parser("serve", help="run the GitHub App (webhook receiver + embedded worker)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--no-worker", action="store_true", help="web only (workers run separately)")
    serve.add_argument("--workers", type=_positive, default=1, metavar="N",
                       help="web processes sharing the port (default 1; more needs --no-worker and a "
                       "sqlite or redis DEVDOCS_QUEUE_URL)")
    sub.add_parser("worker", help="run review workers for a durable queue (DEVDOCS_QUEUE_URL)")

    action = sub.add_parser("action", help="review a pull request from a GitHub Actions step (action.yml)")
    action.add_argument("--check-name", help="the check run's name (default: $DEVDOCS_CHECK_NAME or devdocs-review)")
    action.add_argument("--html-report", metavar="FILE", help="write the HTML report here ($DEVDOCS_HTML_REPORT)")
    action.add_argument("--sarif-file", metavar="FILE", help="write the SARIF log here ($DEVDOCS_SARIF_FILE)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"check": _check, "rules": _rules, "explain": _explain, "schema": _schema,
                "serve": _serve, "worker": _worker, "action": _action}
    try:
        return handlers[args.command](args)
    except ConfigError as error:
        return _fail(f"invalid config {error.source}: " + "; ".join(error.errors))
    except BrokenPipeError:
        return EXIT_ERROR


def _check(args: argparse.Namespace) -> int:
    from bot.review.local import InputError, load_snapshot, resolve_target
    from rules.api import review

    try:
        config = _load_config(args)
        # the repository's own roots decide what the path points at (a task folder under
        # .claude/dev-docs/active is one only for a repository that says so)
        found = _enclosing_repo_config(args.path, args) if args.config is None else None
        target = resolve_target(args.path, found or config)
        if args.config is None and found is None:
            found = _repo_config(target.repo_root, args)
            if found is not None:
                target = resolve_target(args.path, found)
        config = found or config
        if target.extra_root is not None:  # a task folder or doc root outside the configured roots
            config = config.model_copy(update={"roots": (*config.roots, target.extra_root)})
        snapshot = load_snapshot(target.repo_root, config)
    except InputError as error:
        return _fail(str(error))
    result = review(snapshot, today=args.today or dt.date.today(), config=config, focus=target.focus)
    color = args.color if args.color is not None else (args.output is None and sys.stdout.isatty())
    _write(render(result, args.format, color=color), args.output)
    return EXIT_PASSED if result.gate.passed or args.exit_zero else EXIT_FAILED


def render(result: object, fmt: str, *, color: bool = False) -> str:
    from rules.core.report import Review

    assert isinstance(result, Review)
    if fmt == "json":
        from rules.render.json import render_json

        return render_json(result)
    if fmt == "sarif":
        from rules.render.sarif import render_sarif

        return render_sarif(result)
    if fmt == "html":
        from rules.render.html import render_html

        return render_html(result)
    if fmt == "markdown":
        from rules.render.markdown import render_markdown

        return render_markdown(result)
    from rules.render.text import render_text

    return render_text(result, color=color)


def _load_config(args: argparse.Namespace) -> ReviewConfig:
    from bot.review.configfile import load_config_file
    from rules.api import load_config

    config = load_config_file(args.config) if args.config is not None else load_config(None)
    return _with_overrides(config, args)


def _repo_config(repo_root: Path, args: argparse.Namespace) -> ReviewConfig | None:
    from bot.review.configfile import find_config_file, load_config_file

    found = find_config_file(repo_root)
    return _with_overrides(load_config_file(found), args) if found is not None else None


def _enclosing_repo_config(path: Path, args: argparse.Namespace) -> ReviewConfig | None:
    """The nearest config at or above *path* inside its git checkout, read before the path is
    resolved, so a path under roots the defaults do not know resolves (``check
    .claude/dev-docs/active/auth`` with ``roots: [.claude/dev-docs/active]``). None outside a checkout
    (no ``.git`` above): the config is then looked for where the target's repository root is."""
    from bot.review.local import checkout_of

    resolved = path.resolve()
    top = checkout_of(resolved)
    if top is None:
        return None
    for candidate in (resolved, *resolved.parents):
        config = _repo_config(candidate, args)
        if config is not None or candidate == top:
            return config
    return None


def _with_overrides(config: ReviewConfig, args: argparse.Namespace) -> ReviewConfig:
    if args.min_score is None:
        return config
    return config.model_copy(update={"gate": config.gate.model_copy(update={"min_score": args.min_score})})


def _rules(args: argparse.Namespace) -> int:
    from rules.registry import ALL_RULES

    if args.format == "json":
        rows = [{"code": r.code, "name": r.name, "category": str(r.category), "severity": r.severity.label,
                 "rationale": r.rationale, "fix": r.fix, "effort_minutes": r.effort_minutes,
                 "enabled_by_default": r.enabled_by_default} for r in ALL_RULES]
        _write(json.dumps(rows, indent=2) + "\n", None)
        return EXIT_PASSED
    width = max((len(r.name) for r in ALL_RULES), default=10)
    lines = [f"{r.code}  {r.name:<{width}}  {r.severity.label:<8}  {r.category:<11}  "
             f"{'' if r.enabled_by_default else '(off by default) '}{r.rationale}" for r in ALL_RULES]
    if any(not r.enabled_by_default for r in ALL_RULES):
        lines += ["", "Rules marked (off by default) run only when `.github/devdocs-review.yml` turns them on: "
                  "`rules: {CODE: on}`."]
    _write("\n".join(lines) + "\n", None)
    return EXIT_PASSED


def _explain(args: argparse.Namespace) -> int:
    from rules.explain import explain_rule

    text = explain_rule(args.code)
    if text is None:
        return _fail(f"unknown rule code {args.code!r} (run `devdocs-review rules` to list them)")
    _write(text, None)
    return EXIT_PASSED


def _schema(args: argparse.Namespace) -> int:
    from rules.core.config import ReviewConfig

    schema = ReviewConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "devdocs-review configuration (.github/devdocs-review.yml)"
    _write(json.dumps(schema, indent=2, sort_keys=True) + "\n", None)
    return EXIT_PASSED


def _serve(args: argparse.Namespace) -> int:
    from bot.entry.server import serve

    return serve(host=args.host, port=args.port, worker=not args.no_worker, workers=args.workers)


def _worker(args: argparse.Namespace) -> int:
    from bot.entry.server import run_worker

    return run_worker()


def _action(args: argparse.Namespace) -> int:
    import os

    from bot.action.run import main as run_action
    from bot.entry.settings import LOG_LEVELS
    from bot.logs import configure_logging

    level = os.environ.get("DEVDOCS_LOG_LEVEL", "WARNING").upper()  # JSON lines on stderr, scrubbed
    configure_logging(level=level if level in LOG_LEVELS else "WARNING",
                      secrets=[os.environ.get("GITHUB_TOKEN", "")])
    return run_action(os.environ, check_name=args.check_name, html_report=args.html_report,
                      sarif_file=args.sarif_file)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as error:
        raise SystemExit(_fail(f"cannot write {output}: {error.strerror}")) from None


def _fail(message: str) -> int:
    sys.stderr.write(f"devdocs-review: error: {message}\n")
    return EXIT_ERROR


def _score(value: str) -> int:
    try:
        score = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--min-score must be a whole number, got {value!r}") from None
    if not 0 <= score <= 100:
        raise argparse.ArgumentTypeError(f"--min-score must be between 0 and 100, got {score}")
    return score


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, got {value!r}")
    return number


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--today must be YYYY-MM-DD, got {value!r}") from None


def _version() -> str:
    from rules import ENGINE_VERSION

    return ENGINE_VERSION


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
