"""Secret detection and redaction (rules/core/redact.py, rules/core/placeholders.py).

Every secret below is made up: random characters in the shape of a real credential.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from rules.api import review
from rules.core.discovery import Snapshot
from rules.core.placeholders import is_documentation_host, is_placeholder
from rules.core.redact import find_secrets, redact, scan_lines, secret_key
from rules.security._exposure import find_exposures
from rules.security.sec001_secret_in_doc import SecretInDoc

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJvqaRZoZcX2neV3nP3bgTHCXoQ6CSrhPyNTcCXKGr.joizTNwzPumbc6XDCv1Cq"

# (line, kind, the secret as written, the redacted line)
SECRETS = [
    (
        "DATABASE_URL=postgresql://app:Zq8vLm2Rt7pX@db.internal.acme-corp.io:5432/app",
        "credential-url",
        "Zq8vLm2Rt7pX",
        "DATABASE_URL=postgresql://app:****@db.internal.acme-corp.io:5432/app",
    ),
    (
        "mysql://root:Hx7pQ2mZ9w@10.0.3.4:3306/shop",
        "credential-url",
        "Hx7pQ2mZ9w",
        "mysql://root:****@10.0.3.4:3306/shop",
    ),
    (
        "mongodb+srv://svc:Jk3nB8vQz1@cluster0.ab1cd.mongodb.net/prod",
        "credential-url",
        "Jk3nB8vQz1",
        "mongodb+srv://svc:****@cluster0.ab1cd.mongodb.net/prod",
    ),
    (
        "redis://:Hx7pQ2mZ9w@cache.acme-corp.io:6379",
        "credential-url",
        "Hx7pQ2mZ9w",
        "redis://:****@cache.acme-corp.io:6379",
    ),
    (
        "amqp://worker:Rb4Tn8Wq2Z@mq.acme-corp.io:5672/",
        "credential-url",
        "Rb4Tn8Wq2Z",
        "amqp://worker:****@mq.acme-corp.io:5672/",
    ),
    (
        "git clone https://deploy:Pw4Tq9Lx2Z@git.acme-corp.io/repo.git",
        "credential-url",
        "Pw4Tq9Lx2Z",
        "git clone https://deploy:****@git.acme-corp.io/repo.git",
    ),
    (
        "dsn: https://6cc20ba2b7c4044d10165ad9ef9435db@o206176.ingest.sentry.io/0619846",
        "sentry-dsn",
        "6cc20ba2b7c4044d10165ad9ef9435db",
        "dsn: https://****@o206176.ingest.sentry.io/0619846",
    ),
    (
        "token ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB here",
        "github-token",
        "ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB",
        "token ghp_**** here",
    ),
    (
        "gho_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB",
        "github-token",
        "gho_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB",
        "gho_****",
    ),
    (
        "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",
        "github-token",
        "nS6upkLnFPRbqUxPXXsRwl_yUBzwwUonucZdHtcJOacMmcDn674vpMTfEHHirZ5s16iLlzUkspcMdl6SBs",
        "github_pat_****",
    ),
    (
        "aws_access_key_id = AKIABLEUHQXR22EPPW24",
        "aws-access-key-id",
        "AKIABLEUHQXR22EPPW24",
        "aws_access_key_id = AKIA****",
    ),
    ("ASIABLEUHQXR22EPPW24", "aws-access-key-id", "ASIABLEUHQXR22EPPW24", "ASIA****"),
    (
        "aws_secret_access_key = 9HGOVc9jpNA2efYGoGEDA9+NEEmYjtvqMEY7wUap",
        "aws-secret-key",
        "9HGOVc9jpNA2efYGoGEDA9+NEEmYjtvqMEY7wUap",
        "aws_secret_access_key = ****",
    ),
    (
        "SLACK_BOT_TOKEN=xoxb-68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ",
        "slack-token",
        "68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ",
        "SLACK_BOT_TOKEN=xoxb-****",
    ),
    (
        "https://hooks.slack.com/services/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",
        "slack-webhook",
        "evqS0FZgDJAnTeu7XVoDlmFX",
        "https://hooks.slack.com/services/****",
    ),
    (
        "https://discord.com/api/webhooks/047545330420869890/pDZ51NfseVTlWKQqXfBITwsQ8yWRDvqFaMq9aQgv7rGX",
        "discord-webhook",
        "pDZ51NfseVTlWKQqXfBITwsQ8yWRDvqFaMq9aQgv7rGX",
        "https://discord.com/api/webhooks/****",
    ),
    (
        "OPENAI_API_KEY=sk-proj-m1yVsoMQfIqMa5EjYq90IGfsnweNZ91Eo9JOOVM4GFNVe0Rg",
        "openai-key",
        "m1yVsoMQfIqMa5EjYq90IGfsnweNZ91Eo9JOOVM4GFNVe0Rg",
        "OPENAI_API_KEY=sk-proj-****",
    ),
    (
        "key sk-rv3xm4z4u2HTvazdvXgM5FRkVhXbJ3oiGkFDVghNAzOXD38p",
        "openai-key",
        "rv3xm4z4u2HTvazdvXgM5FRkVhXbJ3oiGkFDVghNAzOXD38p",
        "key sk-****",
    ),
    (
        "ANTHROPIC_API_KEY=sk-ant-api03-QAmTN5c3fXAl7KzDWGkpVwoFhC6hWGg1bNpVdKpPYJeODn6Yqvp9WX4",
        "anthropic-key",
        "QAmTN5c3fXAl7KzDWGkpVwoFhC6hWGg1bNpVdKpPYJeODn6Yqvp9WX4",
        "ANTHROPIC_API_KEY=sk-ant-****",
    ),
    ("stripe sk_live_eyPp0yypPKfY5yv0cSPaW2pk", "stripe-key", "eyPp0yypPKfY5yv0cSPaW2pk", "stripe sk_live_****"),
    ("rk_live_eHAQVHzxwqfiiipTyjpe5TwR", "stripe-key", "eHAQVHzxwqfiiipTyjpe5TwR", "rk_live_****"),
    (
        "maps AIzaxAXZTnfrL89odIVv4q88BW9YKWs2V6KM97E",
        "google-api-key",
        "xAXZTnfrL89odIVv4q88BW9YKWs2V6KM97E",
        "maps AIza****",
    ),
    (f"{JWT}", "jwt", JWT[3:], "eyJ****"),
    (
        "Authorization: Bearer Rk7Qm2Lx9Vt4Zp8Wn1Bc3Hf5Ds0",
        "bearer-token",
        "Rk7Qm2Lx9Vt4Zp8Wn1Bc3Hf5Ds0",
        "Authorization: Bearer ****",
    ),
    ("password: hunter2", "password-assignment", "hunter2", "password: ****"),
    ("  passwd=Tq4#mB8vLz2x", "password-assignment", "Tq4#mB8vLz2x", "  passwd=****"),
    ("DB_PASSWORD=Zq8vLm2Rt7 npm run dev", "password-assignment", "Zq8vLm2Rt7", "DB_PASSWORD=**** npm run dev"),
    ("export PGPASSWORD='Zq8vLm2Rt7'", "password-assignment", "Zq8vLm2Rt7", "export PGPASSWORD='****'"),
    # in an environment line a word is the value itself, not a variable ("password: accessToken" is one)
    ("PGPASSWORD=hunter2Secret99 psql", "password-assignment", "hunter2Secret99", "PGPASSWORD=**** psql"),
    ("DB_PASSWORD=s3cr3tPass", "password-assignment", "s3cr3tPass", "DB_PASSWORD=****"),
    ('"client_secret": "Tq4mB8vLz2xQ"', "password-assignment", "Tq4mB8vLz2xQ", '"client_secret": "****"'),
    ("- **Password:** Zq8vLm2Rt7", "password-assignment", "Zq8vLm2Rt7", "- **Password:** ****"),
    ("api_key: 9f8e7d6c5b4a3f2e1d0c", "password-assignment", "9f8e7d6c5b4a3f2e1d0c", "api_key: ****"),
    ("token: Qm2Lx9Vt4Zp8 # staging", "password-assignment", "Qm2Lx9Vt4Zp8", "token: **** # staging"),
    ("| DB_PASSWORD | `Zq8vLm2Rt7` |", "password-assignment", "Zq8vLm2Rt7", "| DB_PASSWORD | `****` |"),
    (
        'key = "-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\\n-----END PRIVATE KEY-----\\n"',
        "private-key",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC",
        'key = "-----BEGIN PRIVATE KEY----- **** -----END PRIVATE KEY-----\\n"',
    ),
]

# Illustrations: masked by redact() (it costs nothing) but not reported as secrets.
ILLUSTRATIONS = [
    ("postgresql://user:pass@host:5432/db", "postgresql://user:****@host:5432/db"),  # a template
    ("postgres://postgres:postgres@localhost:5432/dev", "postgres://postgres:****@localhost:5432/dev"),
    ("postgresql://app:Zq8vLm2Rt7pX@db.example.com/app", "postgresql://app:****@db.example.com/app"),
    ("https://abc:xyz@example.com", "https://abc:****@example.com"),
    ("AKIAIOSFODNN7EXAMPLE", "AKIA****"),  # AWS's documented sample
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = ****"),
]

# Neither reported nor masked: references, masks, prose and code.
NOT_SECRETS = [
    "postgresql://user:${DB_PASSWORD}@db.internal.acme-corp.io:5432/db",
    "postgresql://billing:****@db.internal.acme-corp.io:5432",  # already redacted
    "ghp_****",
    "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "ghp_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "pk_live_51OjrPPWg1jKzM8dQbDgjRQh41uH4D480MrHe5",  # publishable: not a secret
    "sk-learn-is-a-library-not-a-key-at-all",
    "Authorization: Bearer $TOKEN",
    "Authorization: Bearer <token>",
    "password: <password>",
    "password: ${DB_PASSWORD}",
    "password: $DB_PASSWORD",
    "password: ***",
    "password: your-password",
    "password: changeme",
    "POSTGRES_PASSWORD=mysecretpassword",
    "DB_PASSWORD: DB_PASSWORD",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    'api_key: "{{ secrets.API_KEY }}"',
    "password: %(db_password)s",
    "secret: [your secret]",
    "- Token: 15-minute expiry, refreshed by the client",
    "- Access token: JWT-based",
    "- **Password:** stored in 1Password, item billing-db",
    "- Session token: 24h",
    "token: string;",
    "password: z.string().min(8),",
    "apiKey: process.env.API_KEY,",
    "password: hashedPassword,",
    'password: os.getenv("DB_PASSWORD")',
    '"password": "string"',
    '"token": "The token used to sign requests"',
    "{token: 'deadbeef'}",
    "const secret = 'abcdefg';",
    "secretName: tls-cert",
    "max_tokens: 4096",
    "secret: true",
    "bypass: rls-policy-v2",
    "| API_KEY | Stored in Vault |",
    "secret_file: /run/secrets/db",
    "api_key: key.json",
]


@pytest.mark.parametrize(("line", "kind", "raw", "masked"), SECRETS, ids=[s[1] for s in SECRETS])
def test_each_kind_is_found_and_masked_recognisably(line: str, kind: str, raw: str, masked: str) -> None:
    found = find_secrets(line)

    assert [m.kind for m in found] == [kind]
    assert redact(line) == masked
    assert raw not in redact(line)
    assert raw not in found[0].redacted


@pytest.mark.parametrize("line", NOT_SECRETS)
def test_references_placeholders_and_prose_are_not_secrets(line: str) -> None:
    assert find_secrets(line) == []
    assert redact(line) == line


@pytest.mark.parametrize(("line", "masked"), ILLUSTRATIONS)
def test_illustrations_are_masked_but_not_reported(line: str, masked: str) -> None:
    assert find_secrets(line) == []
    assert redact(line) == masked
    assert redact(masked) == masked


def test_redaction_is_idempotent_and_keeps_other_text() -> None:
    text = "\n".join(f"- step {i}: {line}" for i, (line, *_rest) in enumerate(SECRETS))

    once = redact(text)

    assert redact(once) == once
    assert once.count("\n") == text.count("\n")
    assert all(f"- step {i}: " in once for i in range(len(SECRETS)))
    assert not [raw for _line, _kind, raw, _masked in SECRETS if raw in once]


@pytest.mark.parametrize(
    ("line", "excerpt"),
    [
        ("- **Password:** Zq8vLm2Rt7.", "Password: ****"),
        ("Rotate it: `STAGING_DB_PASSWORD=Hx7pQ2mZ9w!`", "STAGING_DB_PASSWORD=****"),
        ('password: "Tq4#mB8vLz2x"', 'password: "****"'),
        ("stripe sk_live_eyPp0yypPKfY5yv0cSPaW2pk", "sk_live_****"),
    ],
)
def test_messages_quote_a_clean_excerpt_while_masking_keeps_the_markup(line: str, excerpt: str) -> None:
    (match,) = find_secrets(line)

    assert match.excerpt == excerpt
    assert redact(line).endswith(line[match.end :])


def test_an_assignment_quoted_inside_prose_is_reported_as_itself() -> None:
    line = "- Rotate the staging password: `STAGING_DB_PASSWORD=Hx7pQ2mZ9w!`"

    assert redact(line) == "- Rotate the staging password: `STAGING_DB_PASSWORD=****`"


def test_base64_padding_is_not_mistaken_for_an_inner_assignment() -> None:
    assert redact('password: "bm90IG15IHJlYWw9PQ=="') == 'password: "****"'


def test_two_secrets_on_one_line_are_both_masked() -> None:
    line = "DB_PASSWORD=OjrPPWg1jK and REDIS_URL=redis://:zM8dQbDgjRQh@cache.acme-corp.io:6379"

    assert redact(line) == "DB_PASSWORD=**** and REDIS_URL=redis://:****@cache.acme-corp.io:6379"


def test_a_secret_token_in_an_assignment_is_reported_once_by_its_specific_kind() -> None:
    line = "password: ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB"

    assert [m.kind for m in find_secrets(line)] == ["github-token"]


KEY_BODY = [
    "Jr9pTOEJzhNFAz5gRhUte0JD0J8mY4OY1oilNcW0nKR9wOmuSSlz2SHR3ZjrRSbh",
    "x0p+PZR47OgqwEQuCMHWDdK4Vj/cSj63CbgIdtzjtpcOC0XKqYIn6iG+LjEQdZJQ",
]


def test_private_key_block_is_one_finding_on_its_begin_line_and_collapses_when_redacted() -> None:
    lines = [
        "Deploy key:",
        "```",
        "-----BEGIN RSA PRIVATE KEY-----",
        *KEY_BODY,
        "-----END RSA PRIVATE KEY-----",
        "```",
        "password: hunter2",
    ]

    found = list(scan_lines(lines))
    masked = redact("\n".join(lines))

    assert [(line, m.kind) for line, m in found] == [(3, "private-key"), (8, "password-assignment")]
    assert masked == "\n".join(
        [
            "Deploy key:",
            "```",
            "-----BEGIN RSA PRIVATE KEY----- **** -----END RSA PRIVATE KEY-----",
            "```",
            "password: ****",
        ]
    )


def test_private_key_placeholder_is_not_a_secret_but_is_still_masked() -> None:
    lines = ["-----BEGIN PRIVATE KEY-----", "...", "-----END PRIVATE KEY-----"]

    assert list(scan_lines(lines)) == []
    assert "-----BEGIN PRIVATE KEY----- ****" in redact("\n".join(lines))


def test_unterminated_private_key_stops_at_the_first_line_that_is_not_key_material() -> None:
    text = "\n".join(["-----BEGIN EC PRIVATE KEY-----", *KEY_BODY, "", "## Next Steps", "- rotate it"])

    masked = redact(text)

    assert not any(body in masked for body in KEY_BODY)
    assert masked.endswith("## Next Steps\n- rotate it")


@pytest.mark.parametrize(
    "value",
    [
        "<password>",
        "${X}",
        "$X",
        "{{ x }}",
        "***",
        "xxxx",
        "...",
        "DB_PASSWORD",
        "your-token",
        "changeme",
        "my-secret-password",
        "AKIAIOSFODNN7EXAMPLE",
        "qwerty",
        "123456",
        "aaaaaaaaaaaaaaaa",
    ],
)
def test_placeholders(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", ["hunter2", "Password123!", "Zq8vLm2Rt7", "s3cr3t-v4lue"])
def test_weak_but_real_passwords_are_not_placeholders(value: str) -> None:
    assert not is_placeholder(value)


@pytest.mark.parametrize(
    ("host", "documentation"),
    [
        ("example.com", True),
        ("db.prod.example.com", True),
        ("api.example.org", True),
        ("svc.test", True),
        ("host", True),
        ("<server>", True),
        ("$HOST", True),
        ("x.x.x.x", True),
        ("db.prod.acme-corp.io", False),
        ("notexample.com", False),
    ],
)
def test_documentation_hosts(host: str, documentation: bool) -> None:
    assert is_documentation_host(host) is documentation


def test_line_numbers_survive_text_whose_lower_case_is_longer() -> None:
    lines = ["İstanbul İzmir İ" * 20, "token: Qm2Lx9Vt4Zp8", "plain"]  # "İ".lower() is two characters

    assert [(n, m.kind) for n, m in scan_lines(lines)] == [(2, "password-assignment")]


def test_secret_key_hides_the_value_and_separates_kinds() -> None:
    key = secret_key("password-assignment", "hunter2")

    assert "hunter2" not in key
    assert key == secret_key("password-assignment", "hunter2")
    assert key != secret_key("password-assignment", "hunter3")
    assert key.split(":")[1] == secret_key("jwt", "hunter2").split(":")[1]
    assert key.split(":")[0] != secret_key("jwt", "hunter2").split(":")[0]


def test_sec001_findings_never_carry_the_raw_secret() -> None:
    doc = (
        "# Notes\n\n"
        + "\n".join(f"- {line}" for line, *_rest in SECRETS)
        + "\n```\n"
        + "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *KEY_BODY, "-----END RSA PRIVATE KEY-----"])
        + "\n```\n"
    )
    snapshot = Snapshot({"dev/active/leaky/leaky-context.md": doc.encode()})

    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[SecretInDoc()], strict=True)

    findings = result.tasks[0].findings
    # one finding per secret value (a value written twice, even in two forms, is one leak) and the key
    assert len(findings) == len({find_secrets(line)[0].value for line, *_rest in SECRETS}) + 1
    raws = [raw for _line, _kind, raw, _masked in SECRETS] + KEY_BODY
    for finding in findings:
        fields = [str(v) for v in dataclasses.asdict(finding).values()] + [finding.fingerprint, repr(finding)]
        assert not [raw for raw in raws if any(raw in field for field in fields)], finding.message
        assert "****" in finding.message


def test_sec001_repeated_secret_is_one_finding_with_both_places() -> None:
    doc = "password: hunter2\n\npassword: hunter2\n"
    snapshot = Snapshot({"dev/active/a/a-context.md": doc.encode()})

    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[SecretInDoc()], strict=True)
    findings = result.tasks[0].findings

    assert [(f.line, [place.line for place in f.related]) for f in findings] == [(1, [3])]


def test_sec001_can_ignore_kinds() -> None:
    doc = f"session: {JWT}\n"
    snapshot = Snapshot({"dev/active/a/a-context.md": doc.encode()})

    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[SecretInDoc({"ignore_kinds": ["jwt"]})])

    assert result.tasks[0].findings == ()
    with pytest.raises(ValueError, match="unknown secret kind"):
        SecretInDoc({"ignore_kinds": ["jwtt"]})


def test_pathological_lines_are_scanned_in_linear_time() -> None:
    for line in ("password=x1" * 20_000, "a-" * 100_000, "token " + "A" * 200_000, "x://" + "a:" * 100_000):
        redact(line)  # a quadratic or exponential pattern would not return here


@pytest.mark.parametrize(
    ("line", "kinds"),
    [
        ("ssh root@app-01.acme-corp.io", ["root-ssh"]),
        ("ssh -i key.pem ubuntu@54.210.33.17 uptime", ["ssh-public-ip"]),
        ("proxy tramway.proxy.rlwy.net:41873", ["provider-endpoint"]),
        ("replica.prod.acme-corp.io:5432 and 81.214.77.23", ["production-host", "public-ip"]),
        ("postgresql://worker@db.prod.acme-corp.io:5432/jobs", ["connection-string"]),
        ("X-Forwarded-For: 1.2.3.4; dns 8.8.8.8; lan 10.0.0.4; docs 203.0.113.9", []),
        ("Upgrade libfoo to 3.6.6.7; pin driver==4.1.0.12; v2.10.3.1", []),
        ("### 2.1.3.4 Retry policy", []),
        ("ssh root@host; ssh deploy@<server>; db.prod.example.com:5432", []),
        ("allow 52.94.0.0/16", []),
    ],
)
def test_infrastructure_exposures(line: str, kinds: list[str]) -> None:
    assert [e.kind for e in find_exposures(line)] == kinds


def test_sec001_lists_the_first_secrets_of_a_dump_and_counts_the_rest() -> None:
    from rules.security.sec001_secret_in_doc import MAX_LISTED

    extra = 7
    lines = [f"password: Zq8vLm{n:06d}Rt7pX" for n in range(MAX_LISTED + extra)]
    snapshot = Snapshot({"dev/active/a/a-context.md": "\n\n".join(lines).encode()})

    result = review(snapshot, today=dt.date(2026, 1, 15), rules=[SecretInDoc()], strict=True)
    findings = result.tasks[0].findings

    assert len(findings) == MAX_LISTED + 1
    rest = findings[-1]
    first_unlisted = 2 * MAX_LISTED + 1  # one blank line between secrets
    assert rest.line == first_unlisted
    assert f"{extra} more secrets" in rest.message and f"lines {first_unlisted}-" in rest.message
    assert not any("Zq8vLm" in f.message for f in findings)


def test_the_grouped_needle_test_agrees_with_testing_every_needle() -> None:
    import random

    from rules.core.detectors import HINTS, NEEDLES
    from rules.core.redact import _candidate

    def every_needle(lowered: str) -> bool:
        return any(n in lowered for n in NEEDLES) or any(h.search(lowered) for h in HINTS)

    texts = [f"{a}{n}{b}" for n in NEEDLES for a, b in (("", ""), ("x ", " y"))]
    texts += [n[:-1] for n in NEEDLES] + [n[1:] for n in NEEDLES]
    rng = random.Random(4)
    texts += ["".join(rng.choice("abceghiklmnoprstuwxy_-.:/@=1 ") for _ in range(rng.randint(0, 14)))
              for _ in range(20000)]
    assert all(_candidate(t) == every_needle(t) for t in texts)
    assert any(_candidate(t) for t in texts) and not all(_candidate(t) for t in texts)
