"""Running ``devdocs-review action`` as a workflow step would: a process with the Actions
environment (event payload file, ``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY``) against the fake
GitHub served on loopback, and reading back what the step left."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]
STEP_TIMEOUT = 120  # seconds; a run takes a few on the shared 2-core machine
COMMAND = re.compile(r"^::(?P<name>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


@dataclass(frozen=True)
class Step:
    """What one run of the step left behind."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    folder: Path

    def commands(self, name: str) -> list[tuple[dict[str, str], str]]:
        """The workflow commands *name* the step printed: (properties, message), unescaped."""
        found = []
        for line in self.stdout.splitlines():
            match = COMMAND.match(line)
            if match and match["name"] == name:
                props = dict(part.split("=", 1) for part in (match["props"] or "").split(",") if part)
                found.append(({k: unescape(v) for k, v in props.items()}, unescape(match["message"])))
        return found


def unescape(text: str) -> str:
    for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, char)
    return text


def parse_outputs(text: str) -> dict[str, str]:
    """``$GITHUB_OUTPUT`` as the runner reads it: ``name=value`` or ``name<<DELIM`` … ``DELIM``."""
    outputs: dict[str, str] = {}
    lines = iter(text.split("\n"))
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            else:
                raise AssertionError(f"output {name}: delimiter {delimiter} never closes")
            outputs[name] = "\n".join(value)
        elif line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


def run_step(folder: Path, *, api_url: str, token: str | None, event: str, payload: dict[str, Any] | str,
             args: tuple[str, ...] = (), **env: str) -> Step:
    """Run ``python -m bot action`` in *folder* (its working directory) as a workflow step."""
    folder.mkdir(parents=True, exist_ok=True)
    event_path = folder / "event.json"
    event_path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    output, summary = folder / "output.txt", folder / "summary.md"
    output.write_text("", encoding="utf-8")
    summary.write_text("", encoding="utf-8")
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "PYTHONPATH": str(ROOT),
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_REPOSITORY": _repository(payload),
        "GITHUB_API_URL": api_url,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_RUN_ID": "4242",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        **({"GITHUB_TOKEN": token} if token is not None else {}),
        **env,
    }
    done = subprocess.run([sys.executable, "-m", "bot", "action", *args], cwd=folder, env=environ,
                          capture_output=True, text=True, timeout=STEP_TIMEOUT, check=False)
    return Step(done.returncode, done.stdout, done.stderr, parse_outputs(output.read_text(encoding="utf-8")),
                summary.read_text(encoding="utf-8"), folder)


def _repository(payload: dict[str, Any] | str) -> str:
    if isinstance(payload, dict) and isinstance(payload.get("repository"), dict):
        return str(payload["repository"].get("full_name") or "o/r")
    return "o/r"
