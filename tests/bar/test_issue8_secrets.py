"""Bar test for issue 8, item 1: "a secret found in a doc is never echoed — by any rule, in any
output". Each example of the issue's text is written into a checkout and reviewed through the
whole CLI (``devdocs-review check``) in every format, plus the check run the App publishes.

* PLN002 quoted ``## Phase 1: set password: Hunter2Xyz!Qw on the replica`` verbatim;
* the same happened with CTX005 blocker lines, ``**Password:** value`` and ``pwd: value``;
* detection is extended to the shapes the issue lists, with placeholders staying silent.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.entry.cli import main
from bot.review.local import load_snapshot
from rules.api import review
from rules.core.config import ReviewConfig
from rules.render.check import render_check

FORMATS = ("text", "markdown", "json", "sarif", "html")
TODAY = "2026-01-15"
SENTRY_KEY = "b8b660840c11c6ffa9b58bf0498b812d"
JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJRNHZMbTJSIiwidHMiOjE3Nn0.x9VqTm2Lk8Rz4Wp7Yc1Nb6Hd3Gf0Js5A"

# The issue's own examples: (where it sits, the doc line, the secret value).
QUOTED = [
    ("PLN002 phase heading", "plan", "## Phase 1: set password: Hunter2Xyz!Qw on the replica\n\nDo it.\n",
     "Hunter2Xyz!Qw"),
    ("CTX005 blocker line", "context", "We are blocked on the DBA: she must set pwd: Kq9vLm2Rt7x on prod.\n",
     "Kq9vLm2Rt7x"),
    ("bold label", "tasks", "## Phase 1: Staging ✅ COMPLETE\n\n- [ ] set **Password:** Zq8vLm2Rt7 on staging\n"
     "- [x] done\n", "Zq8vLm2Rt7"),
    ("pwd", "tasks", "## Phase 2: rotate pwd: Qm2Lx9Vt4Zp8 today\n\n- [ ] rotate pwd: Qm2Lx9Vt4Zp8 today\n",
     "Qm2Lx9Vt4Zp8"),
]

# Each shape the issue asks SEC001 to detect: (shape, the doc line, the secret value).
DETECTED = [
    ("basic-auth URL", "`https://deploy:Wq2ZxRb4Tn8Y@git.acme-corp.io/app.git`", "Wq2ZxRb4Tn8Y"),
    ("token as URL user name", "`https://ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB@github.com/acme/app`",
     "26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB"),
    ("token in a query string", "`GET https://api.acme-corp.io/items?access_token=VZ5kloXPFh3Qe9vE`",
     "VZ5kloXPFh3Qe9vE"),
    ("curl -u", "`curl -u deploy:IIbASeEVtmC1 https://api.acme-corp.io`", "IIbASeEVtmC1"),
    ("mysql -pPASS", "`mysql -u root -pTq4mB8vLz2xQ shop`", "Tq4mB8vLz2xQ"),
    ("docker login -p", "`docker login -u ci -p Rb4Tn8Wq2Zx9 registry.acme-corp.io`", "Rb4Tn8Wq2Zx9"),
    ("PGPASSWORD=", "`PGPASSWORD=Lx9Vt4Zp8Rk7 psql -h db`", "Lx9Vt4Zp8Rk7"),
    ("*_PASSWORD=", "`REDIS_PASSWORD=correcthorsebatterystaple`", "correcthorsebatterystaple"),
    ("*_SECRET=", "`JWT_SECRET=Vt4Zp8Rk7Lx9`", "Vt4Zp8Rk7Lx9"),
    (".netrc line", "```\nmachine api.acme-corp.io login deploy password Mb8vLz2xQTq4\n```", "Mb8vLz2xQTq4"),
    ("JWT", f"session `{JWT}`", JWT[3:]),
    ("Azure storage key", "`DefaultEndpointsProtocol=https;AccountName=acme;AccountKey="
     "nubuDbh4ITjNqEVQs0fzGdjaNtEU7xvOdLMfxM1YvSOmqFiQmA5eJyQ90igFSNWEnz91eO9joovm4gfnvE0rGR==`",
     "nubuDbh4ITjNqEVQs0fzGdjaNtEU7xvOdLMfxM1YvSOmqFiQmA5eJyQ90igFSNWEnz91eO9joovm4gfnvE0rGR=="),
    ("Azure SAS sig=", "`https://acme.blob.core.windows.net/c/f?sv=2022-11-02&sig=uK8NjP59hcZez5I6q3PgPMV0caIz`",
     "uK8NjP59hcZez5I6q3PgPMV0caIz"),
    ("GitLab token", "`glpat-kJyGX1qwRKlpGGiFqudV`", "kJyGX1qwRKlpGGiFqudV"),
    ("npm token", "`npm_26auCJp8cHzlQEWht8NC1Wd3N52OWt3O2Vcb`", "26auCJp8cHzlQEWht8NC1Wd3N52OWt3O2Vcb"),
    ("SendGrid key", "`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`",
     "DhTCjoACmMCdN674VPmtFe.hhIRz5S16IlLZuKSPCmDL6sbSble9uhXq2G9xrZAAXe"),
    ("Hugging Face token", "`hf_Ns6UPKlNfprBQuXpxxSrWLYubZWWuONUCz`", "Ns6UPKlNfprBQuXpxxSrWLYubZWWuONUCz"),
    ("Twilio key", "`SK77bdef11357f8a30d7761a1100ff3119`", "77bdef11357f8a30d7761a1100ff3119"),
    ("Slack token", "`xoxp-68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ`",
     "68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ"),
    ("Sentry DSN, EU region", f"`https://{SENTRY_KEY}@o123.ingest.de.sentry.io/456`", SENTRY_KEY),
    ("Sentry DSN, self-hosted", "`https://0d5c1a7b9e3f4a6c8b2d0e1f3a5c7b9d@sentry.acme-corp.io/7`",
     "0d5c1a7b9e3f4a6c8b2d0e1f3a5c7b9d"),
]

# Placeholders the issue says must stay silent.
SILENT = [
    "`DATABASE_URL=postgresql://app:${DB_PASSWORD}@db.internal.acme-corp.io/app`",
    "`password: <password>`",
    "`password: ****`",
    "`password: changeme`",
    "`ssh deploy@192.0.2.10`, `198.51.100.7`, `curl https://203.0.113.9/health`",
    "`curl -u user:pass https://api.example.com`",
]


def _write(root: Path, task: str, parts: dict[str, str]) -> None:
    folder = root / "dev" / "active" / task
    folder.mkdir(parents=True)
    heads = {"plan": "# {t} - Plan\n\n## Overview\nMove the replica.\n\n",
             "context": "# {t} - Context\n\nLast Updated: 2026-01-10\n\n## Notes\n",
             "tasks": "# {t} - Tasks\n\n"}
    for role, head in heads.items():
        (folder / f"{task}-{role}.md").write_text(head.format(t=task) + parts.get(role, ""), encoding="utf-8")


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    for index, (_where, role, text, _value) in enumerate(QUOTED):
        _write(root, f"quoted-{index}", {role: text})
    for index, (_shape, line, _value) in enumerate(DETECTED):
        _write(root, f"shape-{index}", {"context": f"\n{line}\n"})
    _write(root, "placeholders", {"context": "".join(f"\n- {line}\n" for line in SILENT)})
    return root


@pytest.fixture(scope="module")
def outputs(checkout: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("out")
    texts = {}
    for fmt in FORMATS:
        target = out / f"review.{fmt}"
        code = main(["check", str(checkout), "--format", fmt, "--output", str(target), "--today", TODAY,
                     "--exit-zero"])
        assert code == 0
        texts[fmt] = target.read_text(encoding="utf-8")
    result = review(load_snapshot(checkout, ReviewConfig()), today=dt.date.fromisoformat(TODAY))
    check = render_check(result, max_annotations=1_000)
    texts["check run"] = "\n".join([check.title, check.summary, check.text,
                                    *(f"{a.title}\n{a.message}\n{a.raw_details}" for a in check.annotations)])
    return texts


def _sec_findings(outputs: dict[str, str]) -> list[dict[str, object]]:
    data = json.loads(outputs["json"])
    return [f for task in data["tasks"] for f in task["findings"] if str(f["rule"]).startswith("SEC")]


@pytest.mark.parametrize(("where", "role", "text", "value"), QUOTED, ids=[q[0] for q in QUOTED])
def test_the_issue_examples_are_reported_and_never_quoted(outputs: dict[str, str], where: str, role: str,
                                                          text: str, value: str) -> None:
    index = QUOTED.index((where, role, text, value))
    task = f"dev/active/quoted-{index}"

    reported = [f for f in _sec_findings(outputs) if f["task"] == task and f["rule"] == "SEC001"]
    quoting = [f for f in json.loads(outputs["json"])["tasks"] for f in f["findings"]
               if f["task"] == task and f["rule"] != "SEC001" and "****" in str(f["message"])]

    assert reported, f"{where}: the secret is not reported"
    assert quoting, f"{where}: no other rule quotes the line (the fixture would not show a leak)"
    assert {fmt: value in out for fmt, out in outputs.items()} == {fmt: False for fmt in outputs}


@pytest.mark.parametrize(("shape", "line", "value"), DETECTED, ids=[d[0] for d in DETECTED])
def test_each_new_shape_is_detected_and_masked_everywhere(outputs: dict[str, str], shape: str, line: str,
                                                          value: str) -> None:
    task = f"dev/active/shape-{[d[0] for d in DETECTED].index(shape)}"

    reported = [f for f in _sec_findings(outputs) if f["task"] == task and f["rule"] == "SEC001"]

    assert len(reported) == 1, f"{shape}: {reported}"
    assert "****" in str(reported[0]["message"])
    assert {fmt: value in out for fmt, out in outputs.items()} == {fmt: False for fmt in outputs}


def test_placeholders_stay_silent(outputs: dict[str, str]) -> None:
    assert [f["message"] for f in _sec_findings(outputs) if f["task"] == "dev/active/placeholders"] == []
