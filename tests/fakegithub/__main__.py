"""``python -m tests.fakegithub --port P``: the fake GitHub as a process (state via ``/_fake/*``)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import uvicorn

from tests.fakegithub.scenario import load_scenario
from tests.fakegithub.server import create_app
from tests.fakegithub.state import FakeGitHub


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakegithub", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scenario", type=Path, help="JSON scenario to load at start (see scenario.py)")
    args = parser.parse_args()
    hub = FakeGitHub()
    if args.scenario:
        load_scenario(hub, json.loads(args.scenario.read_text(encoding="utf-8")))
    uvicorn.run(create_app(hub), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
