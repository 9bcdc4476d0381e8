"""The review's redaction boundary (rules/core/redactor.py): secret values found in the documents
are masked wherever they reappear, however a rule quoted, re-cased, escaped or cut them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from rules.api import review as review_snapshot
from rules.core.discovery import Snapshot
from rules.core.engine import ExtraWaivers
from rules.core.finding import Category, Finding, Severity
from rules.core.redact import secret_values
from rules.core.redactor import IDENTITIES, Redactor, redact_review
from rules.core.report import Comparison, Review, Scaffold, TaskReport
from rules.render.json import render_json
from tests.render.factories import review, task_report

PASSWORD = "Hunter2Xyz!Qw"
REDACTOR = Redactor([PASSWORD, "Zq8vLm2Rt7pX"])


@pytest.mark.parametrize(("text", "masked"), [
    ("Phase 'set password: Hunter2Xyz!Qw on the replica' has no goal",
     "Phase 'set password: **** on the replica' has no goal"),
    ("phase 1 set password hunter2xyz qw on the replica", "phase 1 set password **** on the replica"),  # normalised
    ("HUNTER2XYZ!QW", "****"),  # re-cased
    ("Hunter2Xyz\\!Qw in escaped Markdown", "**** in escaped Markdown"),
    ("**Hunter2Xyz**!Qw", "******"),  # markup inside the value
    ("first: 'set password: Hunter2X…'", "first: 'set password: ****…'"),  # cut short by a rule
    ("'set password: Hunter2X'", "'set password: ****'"),  # cut short inside quotes
    ("set password: Hunt", "set password: ****"),  # cut at the end of the text
    ("…xyz!Qw on the replica", "…**** on the replica"),  # cut at the start
    ("connect with app:Zq8vLm2Rt7pX then", "connect with app:**** then"),
    ("'mysql -pZq8vLm2R…'", "'mysql -p****…'"),  # cut short right after a flag or a token prefix
])
def test_a_value_is_masked_wherever_and_however_it_reappears(text: str, masked: str) -> None:
    assert REDACTOR(text) == masked


@pytest.mark.parametrize("text", [
    "Hunting season", "hunt down", "the replica is Hun", "Zq8 and vLm", "hunter2 is a different password",
])
def test_text_that_only_shares_a_few_letters_is_kept(text: str) -> None:
    assert REDACTOR(text) == text


def test_a_value_s_tail_is_no_word_s_head() -> None:
    tail = Redactor(["s3cr3tPass"])

    # the kind label opening a SEC001 message starts with the letters the value ends with
    assert tail("Password or secret assignment written in the document: 'DB_PASSWORD=****'.") == \
        "Password or secret assignment written in the document: 'DB_PASSWORD=****'."
    assert tail("Pass to the next step") == "**** to the next step"  # a tail standing alone is masked
    assert tail("set it to s3cr3tP") == "set it to ****"  # a head cut at the end, however it is glued
    assert Redactor(["BLEUHQXR22EPPW24"])("key AKIABLEUHQXR22E") == "key AKIA****"


def test_placeholders_and_short_values_are_never_masked_as_literals() -> None:
    redactor = Redactor(["postgres", "pass", "changeme", "abc12"])

    assert redactor("use postgres, pass changeme and abc12") == "use postgres, pass changeme and abc12"
    assert not redactor


def test_code_and_stand_ins_in_a_document_leave_ordinary_words_alone() -> None:
    """Seen on real docs: a JS check, an escaped or bracketed name and a template were taken for secret
    values, and their letters then masked "Password", "secret" and "apart" in every message."""
    doc = ["  partner_token: !!PARTNER_TOKEN,", "POST /reset?password=NEW_PASSWORD/",
           "export GROQ_KEY=\\$GROQ_API_KEY", "url = f'https://x/?token={secret}'"]
    redactor = Redactor(secret_values(doc))

    text = "Password or secret assignment: the copies have drifted apart"
    assert redactor(text) == text
    assert not redactor


def test_pattern_redaction_still_applies_without_values() -> None:
    assert Redactor()("token ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB") == "token ghp_****"


def test_values_come_from_every_detector_and_from_private_key_bodies() -> None:
    lines = ["password: Zq8vLm2Rt7pX", "-----BEGIN RSA PRIVATE KEY-----",
             "Jr9pTOEJzhNFAz5gRhUte0JD0J8mY4OY1oilNcW0nKR9wOmuSSlz2SHR3ZjrRSbh", "-----END RSA PRIVATE KEY-----",
             "see postgresql://app:Qm2Lx9Vt4Zp8@db.example.com/app"]

    values = set(secret_values(lines))

    key_line = "Jr9pTOEJzhNFAz5gRhUte0JD0J8mY4OY1oilNcW0nKR9wOmuSSlz2SHR3ZjrRSbh"
    assert {"Zq8vLm2Rt7pX", "Qm2Lx9Vt4Zp8", key_line} <= values


def _finding(message: str) -> Finding:
    return Finding(rule="PLN002", name="phase-missing-details", severity=Severity.MEDIUM, category=Category.PLAN,
                   task="dev/active/Hunter2Xyz!Qw", path="dev/active/Hunter2Xyz!Qw/x-plan.md", line=3,
                   message=message, fix=f"Fix {message}", effort_minutes=5, key=message,
                   waived=True, waiver_reason=f"because {PASSWORD}")


def test_every_string_of_a_review_is_redacted_but_paths_stay_identities() -> None:
    leak = f"Phase 'password: {PASSWORD} now'"
    task = dataclasses.replace(task_report("auth", [_finding(leak)], strengths=(leak,)),
                               scaffolds=(Scaffold(leak, "dev/active/auth/auth-plan.md", f"## {leak}\n"),))
    subject = dataclasses.replace(review(task, notes=(leak,)), others=(task,))

    redacted = redact_review(subject, REDACTOR)

    found = strings(redacted)
    assert not [s for s in found if PASSWORD.lower() in s.lower()
                and not s.startswith("dev/active/Hunter2Xyz")]
    assert redacted.tasks[0].waived[0].path == "dev/active/Hunter2Xyz!Qw/x-plan.md"
    assert redacted.tasks[0].waived[0].waiver_reason == "because ****"
    assert "password: ****" in redacted.notes[0] and redacted.others[0].strengths[0] == redacted.notes[0]


def test_an_untouched_review_is_returned_as_it_is() -> None:
    clean = dataclasses.replace(_finding("nothing secret here"), waiver_reason="agreed in the stand-up")
    subject = review(task_report("auth", [clean]))

    assert redact_review(subject, REDACTOR) is subject


def strings(value: object) -> list[str]:
    """Every string reachable from *value* (dataclasses and tuples), identities included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [s for item in value for s in strings(item)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [s for f in dataclasses.fields(value) for s in strings(getattr(value, f.name))]
    return []


def test_every_identity_names_a_field_of_the_report_model() -> None:
    models = (Review, TaskReport, Finding, Comparison, Scaffold)

    assert {f.name for model in models for f in dataclasses.fields(model)} >= IDENTITIES


def test_with_many_values_each_is_still_found_whole_and_cut_short() -> None:
    others = [f"Xq{n:03d}vLm2Rt" for n in range(100)]  # more values than are searched one by one
    redactor = Redactor([*others, PASSWORD])

    assert redactor("set password hunter2xyz qw and Xq042vLm2Rt") == "set password **** and ****"
    assert redactor("first: 'Hunter2X…'") == "first: '****…'"
    assert redactor("nothing to hide here") == "nothing to hide here"


def test_a_waiver_by_the_fingerprint_an_output_shows_matches_a_finding_that_quoted_a_secret() -> None:
    plan = (f"# Pay - Plan\n\n## Overview\nx\n\n## Known risks\n\n### Risk 1: the password: {PASSWORD} "
            "leaks\n\nThe replica may lag.\n")  # PLN003 keys the finding by the risk's own text
    snapshot = Snapshot({"dev/active/pay/pay-plan.md": plan.encode()})
    first = review_snapshot(snapshot, today=dt.date(2026, 1, 15))
    (risk,) = [f for f in first.findings if f.rule == "PLN003"]
    shown = json.loads(render_json(first))["tasks"][0]["findings"]

    again = review_snapshot(snapshot, today=dt.date(2026, 1, 15),
                            extra_waivers=ExtraWaivers(findings={risk.fingerprint: "accepted for now"}))

    assert "****" in risk.key and risk.fingerprint in {f["fingerprint"] for f in shown}
    assert [(f.rule, f.waiver_reason) for f in again.waived] == [("PLN003", "accepted for now")]


def test_a_rule_name_is_never_masked_even_when_a_value_ends_with_its_first_word() -> None:
    redactor = Redactor(["Hunter2Secret"])  # the demo's staging password ends with "Secret"
    finding = dataclasses.replace(_finding("postgresql://payments:Hunter2Secret@db"), name="secret-in-doc")

    redacted = redact_review(review(task_report("auth", [finding])), redactor)

    (kept,) = (*redacted.tasks[0].findings, *redacted.tasks[0].waived)
    assert kept.name == "secret-in-doc"
    assert "Hunter2Secret" not in kept.message
