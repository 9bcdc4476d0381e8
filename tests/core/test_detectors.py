"""The secret detectors added for issue 8 (rules/core/detectors.py): each kind is found, masked
recognisably and reported; its placeholders stay silent; every pattern stays linear.

Every secret below is made up: random characters in the shape of a real credential.
"""

from __future__ import annotations

import pytest

from rules.core.detectors import KIND_LABELS
from rules.core.placeholders import is_placeholder, is_strong_secret
from rules.core.redact import MAX_JUDGED, find_secrets, redact, scan_lines, secret_values
from rules.core.redactor import MIN_VALUE, Redactor
from tests.core.test_redact import SECRETS

AZURE_KEY = "nubuDbh4ITjNqEVQs0fzGdjaNtEU7xvOdLMfxM1YvSOmqFiQmA5eJyQ90igFSNWEnz91eO9joovm4gfnvE0rGR=="
SENTRY_KEY = "b8b660840c11c6ffa9b58bf0498b812d"

# (line, kind, the secret as written, the redacted line)
NEW_SECRETS = [
    # basic-auth URLs and tokens as URL user names
    ("git remote add origin https://mQ9AqGV7RgxErcZooj1dDBdV@git.acme-corp.io/app.git", "url-token",
     "mQ9AqGV7RgxErcZooj1dDBdV", "git remote add origin https://****@git.acme-corp.io/app.git"),
    ("git clone https://ghp_26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB@github.com/acme/app.git", "github-token",
     "26AUcjP8ChZLqewHT8nc1wD3n52owT3o2vCB", "git clone https://ghp_****@github.com/acme/app.git"),
    ("https://oauth2:glpat-kJyGX1qwRKlpGGiFqudV@gitlab.acme-corp.io/app.git", "credential-url",
     "glpat-kJyGX1qwRKlpGGiFqudV", "https://oauth2:****@gitlab.acme-corp.io/app.git"),
    # tokens in URL query strings, SAS signatures
    ("GET https://api.acme-corp.io/v1/items?access_token=VZ5kloXPFh3Qe9vE&page=2", "url-token",
     "VZ5kloXPFh3Qe9vE", "GET https://api.acme-corp.io/v1/items?access_token=****&page=2"),
    ('curl "https://api.acme-corp.io/v1/items?page=2&api_key=VZ5kloXPFh3Qe9vE"', "url-token",
     "VZ5kloXPFh3Qe9vE", 'curl "https://api.acme-corp.io/v1/items?page=2&api_key=****"'),
    ("https://acmeprod.blob.core.windows.net/c/f.txt?sv=2022-11-02&sr=b&sig=uK8NjP59hcZez5I6q3PgPMV0caIzCTqiqkX%3D",
     "url-token", "uK8NjP59hcZez5I6q3PgPMV0caIzCTqiqkX%3D",
     "https://acmeprod.blob.core.windows.net/c/f.txt?sv=2022-11-02&sr=b&sig=****"),
    # passwords on command lines
    ("curl -u deploy:IIbASeEVtmC1 https://api.acme-corp.io/v1", "cli-password", "IIbASeEVtmC1",
     "curl -u deploy:**** https://api.acme-corp.io/v1"),
    ("curl --user 'deploy:IIbASeEVtmC1' https://api.acme-corp.io/v1", "cli-password", "IIbASeEVtmC1",
     "curl --user 'deploy:****' https://api.acme-corp.io/v1"),
    ("mysql -h db -u root -pIIbASeEVtmC1 shop", "cli-password", "IIbASeEVtmC1", "mysql -h db -u root -p**** shop"),
    ("mysqldump -u app -p'Hx7pQ2mZ9w!' shop > dump.sql", "cli-password", "Hx7pQ2mZ9w!",
     "mysqldump -u app -p'****' shop > dump.sql"),
    ("docker login -u ci -p IIbASeEVtmC1 registry.acme-corp.io", "cli-password", "IIbASeEVtmC1",
     "docker login -u ci -p **** registry.acme-corp.io"),
    ("docker login --password IIbASeEVtmC1 registry.acme-corp.io", "cli-password", "IIbASeEVtmC1",
     "docker login --password **** registry.acme-corp.io"),
    ("redis-cli -h cache -a IIbASeEVtmC1 ping", "cli-password", "IIbASeEVtmC1", "redis-cli -h cache -a **** ping"),
    # environment lines (a lower-case value counts when the name says it is a secret)
    ("PGPASSWORD=IIbASeEVtmC1 psql -h db", "password-assignment", "IIbASeEVtmC1", "PGPASSWORD=**** psql -h db"),
    ("FAL_KEY=3f9e2a71-5c4b-4d8e-9a1f-7b2c6d0e8f41", "key-variable", "3f9e2a71-5c4b-4d8e-9a1f-7b2c6d0e8f41",
     "FAL_KEY=****"),
    ("- Worker: `MAPS_KEY: Qm7xT2vR9kLp4WzA8nHc`.", "key-variable", "Qm7xT2vR9kLp4WzA8nHc",
     "- Worker: `MAPS_KEY: ****`."),
    ("REDIS_PASSWORD=correcthorsebatterystaple", "password-assignment", "correcthorsebatterystaple",
     "REDIS_PASSWORD=****"),
    ("export CI_DEPLOY_TOKEN=Wq2ZxRb4Tn8Y", "password-assignment", "Wq2ZxRb4Tn8Y", "export CI_DEPLOY_TOKEN=****"),
    # .netrc, one line or one entry per line
    ("machine api.acme-corp.io login deploy password IIbASeEVtmC1", "netrc", "IIbASeEVtmC1",
     "machine api.acme-corp.io login deploy password ****"),
    ("  password IIbASeEVtmC1", "netrc", "IIbASeEVtmC1", "  password ****"),
    # Azure storage and service bus keys
    (f"DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey={AZURE_KEY};EndpointSuffix=core.windows.net",
     "azure-storage-key", AZURE_KEY,
     "DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=****;EndpointSuffix=core.windows.net"),
    ("Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;"
     "SharedAccessKey=V3XM4Z4U2htVAZDVxGm5frKvHxBj3OIgKfdvGHnaZox=", "azure-storage-key",
     "V3XM4Z4U2htVAZDVxGm5frKvHxBj3OIgKfdvGHnaZox=",
     "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=****"),
    # vendor tokens
    ("token glpat-kJyGX1qwRKlpGGiFqudV here", "gitlab-token", "kJyGX1qwRKlpGGiFqudV", "token glpat-**** here"),
    ("gldt-ROzLpF0CVYy71uCPLYV9", "gitlab-token", "ROzLpF0CVYy71uCPLYV9", "gldt-****"),
    ("//registry.npmjs.org/ npm_26auCJp8cHzlQEWht8NC1Wd3N52OWt3O2Vcb", "npm-token",
     "26auCJp8cHzlQEWht8NC1Wd3N52OWt3O2Vcb", "//registry.npmjs.org/ npm_****"),
    ("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", "sendgrid-key",
     "DhTCjoACmMCdN674VPmtFe.hhIRz5S16IlLZuKSPCmDL6sbSble9uhXq2G9xrZAAXe", "SG.****"),
    ("HF_TOKEN=hf_Ns6UPKlNfprBQuXpxxSrWLYubZWWuONUCz", "huggingface-token", "Ns6UPKlNfprBQuXpxxSrWLYubZWWuONUCz",
     "HF_TOKEN=hf_****"),
    ("TWILIO_API_KEY=SK77bdef11357f8a30d7761a1100ff3119", "twilio-key", "77bdef11357f8a30d7761a1100ff3119",
     "TWILIO_API_KEY=SK****"),
    ("account AC68bba316ec56adcdffdea03b30b1ce5d", "twilio-key", "68bba316ec56adcdffdea03b30b1ce5d", "account AC****"),
    ("xoxe.xoxp-1-3WZ1dqYO28s0iMRZEYpP0YYPpkFy5YV0CspAw2PKEhaqvhZXWQFIIIPtYJPE", "slack-token",
     "1-3WZ1dqYO28s0iMRZEYpP0YYPpkFy5YV0CspAw2PKEhaqvhZXWQFIIIPtYJPE", "xoxe.xoxp-****"),
    ("xapp-1-A05QM6U3Z8H-5718943220321-9f3a2b7c4d1e8f6a", "slack-token", "1-A05QM6U3Z8H-5718943220321-9f3a2b7c4d1e8f6a",
     "xapp-****"),
    ("xoxc-68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ", "slack-token",
     "68667767590-9151059069782-aKjYgx1QWrkLPggIfQUDvroZ", "xoxc-****"),
    ("GOOGLE_CLIENT_SECRET=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", "google-oauth-secret",
     "d38PqaMtn5C3FxaL7kZdwgKPvWOf", "GOOGLE_CLIENT_SECRET=GOCSPX-****"),
    ("pypi-AgEIcHlwaS5vcmc5tWrXaxztNFRl89ODivV4Q88bw9ykwS2v6km97eVQArzOzCx2NEv3Np3BGth", "pypi-token",
     "AgEIcHlwaS5vcmc5tWrXaxztNFRl89ODivV4Q88bw9ykwS2v6km97eVQArzOzCx2NEv3Np3BGth", "pypi-****"),
    ("STRIPE_WEBHOOK_SECRET=whsec_1TlAQxUlbAeYFAb9AVWhKHrB7c94qR0D", "stripe-key",
     "1TlAQxUlbAeYFAb9AVWhKHrB7c94qR0D", "STRIPE_WEBHOOK_SECRET=whsec_****"),
    ("VAULT_TOKEN=hvs.Hc6HwgG1BnPvDkPpyjEodN6yQVP9wx4ldB3ZQlFr", "vendor-token",
     "Hc6HwgG1BnPvDkPpyjEodN6yQVP9wx4ldB3ZQlFr", "VAULT_TOKEN=hvs.****"),
    # Sentry DSNs: every region, self-hosted with and without a path prefix
    (f"https://{SENTRY_KEY}@o123.ingest.de.sentry.io/456", "sentry-dsn", SENTRY_KEY,
     "https://****@o123.ingest.de.sentry.io/456"),
    (f"SENTRY_DSN=https://{SENTRY_KEY}@o4504.ingest.us.sentry.io/4504123", "sentry-dsn", SENTRY_KEY,
     "SENTRY_DSN=https://****@o4504.ingest.us.sentry.io/4504123"),
    (f"https://{SENTRY_KEY}@sentry.example.com/7", "sentry-dsn", SENTRY_KEY, "https://****@sentry.example.com/7"),
    (f"dsn https://{SENTRY_KEY}@sentry.acme-corp.io/sentry/7", "sentry-dsn", SENTRY_KEY,
     "dsn https://****@sentry.acme-corp.io/sentry/7"),
    # authorization headers
    ("Authorization: Basic ZGVwbG95OmhtQXVHVjVyc2dZUg==", "basic-auth", "ZGVwbG95OmhtQXVHVjVyc2dZUg==",
     "Authorization: Basic ****"),
    # values with prose after them (issue 8: phase headings, blocker lines, bold labels, pwd)
    ("## Phase 1: set password: Hunter2Xyz!Qw on the replica", "password-assignment", "Hunter2Xyz!Qw",
     "## Phase 1: set password: **** on the replica"),
    ("Blocked until the DBA sets **Password:** Zq8vLm2Rt7 on prod.", "password-assignment", "Zq8vLm2Rt7",
     "Blocked until the DBA sets **Password:** **** on prod."),
    ("pwd: Qm2Lx9Vt4Zp8 today", "password-assignment", "Qm2Lx9Vt4Zp8", "pwd: **** today"),
    ("the password is Hunter2Xyz!Qw for now", "password-assignment", "Hunter2Xyz!Qw", "the password is **** for now"),
]

# Placeholders, references and prose: neither reported nor masked.
NEW_NOT_SECRETS = [
    "curl -u user:pass https://api.example.com",
    'curl -u "$USER:$PASS" https://api.acme-corp.io',
    "curl -u admin:<password> https://api.acme-corp.io",
    "curl -u elastic:changeme https://localhost:9200",
    "mysql -u root -p shop",
    "mysql -p$MYSQL_PWD shop",
    "docker login -u ci --password-stdin registry.acme-corp.io",
    "docker login -p $TOKEN registry.acme-corp.io",
    "docker run -p 8080:80 app",
    "redis-cli -a $REDIS_PASSWORD ping",
    "gh release create --token $(gh auth token)",
    "https://x-access-token:${GITHUB_TOKEN}@github.com/acme/app.git",
    "https://api.acme-corp.io/v1/items?token=${API_TOKEN}",
    "https://api.acme-corp.io/v1/items?api_key=<your-key>",
    "https://api.acme-corp.io/v1/items?token=****",
    "GET /search?key=value&page=2",
    "PGPASSWORD=$DB_PASSWORD psql",
    "POSTGRES_PASSWORD=postgres",
    "DB_PASSWORD=changeme",
    "AccountKey=$AZURE_STORAGE_KEY",
    "AccountKey=<storage-account-key>",
    "machine api.example.com login me password <password>",
    "glpat-xxxxxxxxxxxxxxxxxxxx",
    "npm_****",
    "https://<key>@o123.ingest.de.sentry.io/456",
    "password: 1Password vault entry",
    "token: OAuth2Client config",
    "secret: SHA-256 hashed later",
    "the password is stored in 1Password since 2024 q3",
    "Reset the password to something strong after launch",
    "git push -u origin main",
    "ssh deploy@203.0.113.10",
    "see https://github.com/acme/app/issues/42 and TASK-1234",
    # test reports and code seen in real dev docs (issue 9's audit of unlabelled folders)
    "| G5-1 | schema validate | 7/7 PASS | PASS | `tests/test_obs/test_telemetry_schema.py` 7 tests |",
    "| HMAC signature | ✅ Pass | SHA-256, mandatory validation |",
    "    partner_token: !!PARTNER_TOKEN,",
    "    jwt_secret: !!JWT_SECRET",
    "[6. /onboarding/channels?token=NEW_JWT]",
    "curl -X POST https://api.acme-corp.io/reset?password=NEW_PASSWORD/",
    "const secret_token = req.headers['x-telegram-bot-api-secret-token'];",
    "token: mcpConfig.mcpServers?.notion?.env?.NOTION_TOKEN",
    "| V3 | PASS | target=0, baseline=0 | every slot filled |",
    "- **Silver P1 Gate PASS**: S4/S5/S6 pass — 544 tests, commit `3bbde92`",
    "const turnstileToken = turnstileRef.current?.getResponse();",
    "export GROQ_KEY=\\$GROQ_API_KEY",
    'api_token: content_type="qa_answer"',
    "VAPID_PUBLIC_KEY=BEl62iUYgUivxIkv69yViEuiBIa4Ib9SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U",
    "IDEMPOTENCY_KEY=7d3c9a10-4b2e-4f6a-8c1d-2e5f7a9b0c3d",
    "MOCK_NOTIFICATIONS_KEY = 'test-mock-notifications-key-1'",
    "FAL_KEY=your_fal_api_key_here",
    "SORT_KEY: created_at_desc_2024",
    "The PRIMARY_KEY: order_id_2024_v2_final is kept.",
]

# Masked (it costs nothing) but not reported.
NEW_ILLUSTRATIONS = [
    ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ****"),  # user:pass
    ("git clone https://x7Kq2mZ9wRb4Tn8Wq2Zx@git.example.com/app.git", "git clone https://****@git.example.com/app.git"),
]


@pytest.mark.parametrize(("line", "kind", "raw", "masked"), NEW_SECRETS, ids=[s[0][:40] for s in NEW_SECRETS])
def test_each_new_kind_is_found_and_masked_recognisably(line: str, kind: str, raw: str, masked: str) -> None:
    found = find_secrets(line)

    assert [m.kind for m in found] == [kind]
    assert found[0].value == raw
    assert redact(line) == masked
    assert raw not in redact(line) and raw not in found[0].redacted


def test_every_kind_has_a_label_and_an_example() -> None:
    kinds = {kind for _line, kind, _raw, _masked in [*SECRETS, *NEW_SECRETS]} | {"private-key"}

    assert kinds == set(KIND_LABELS)


@pytest.mark.parametrize("line", NEW_NOT_SECRETS)
def test_new_placeholders_and_prose_stay_silent(line: str) -> None:
    assert find_secrets(line, illustrations=True) == []
    assert redact(line) == line


@pytest.mark.parametrize(("line", "masked"), NEW_ILLUSTRATIONS)
def test_new_illustrations_are_masked_but_not_reported(line: str, masked: str) -> None:
    assert find_secrets(line) == []
    assert redact(line) == masked


@pytest.mark.parametrize(("value", "strong"), [
    ("Hunter2Xyz!Qw", True), ("Zq8vLm2Rt7", True), ("S3cureP4ss", True), ("P@ssw0rd", True),
    ("1Password", False), ("OAuth2Client", False), ("SHA-256", False), ("v2.3.1-rc4", False),
    ("15-minute", False), ("Argon2id", False), ("AES256GCM", False), ("Kubernetes", False),
])
def test_a_value_followed_by_prose_must_look_random(value: str, strong: bool) -> None:
    assert is_strong_secret(value) is strong


def test_a_netrc_password_needs_a_netrc_line() -> None:
    assert find_secrets("machine ci.acme-corp.io login bot password IIbASeEVtmC1")
    assert find_secrets("we rotate the password IIbASeEVtmC1 weekly") == []  # one digit run: not random enough


def test_values_are_what_the_mask_hides() -> None:
    line = "DB=postgresql://app:Zq8vLm2Rt7pX@db.acme-corp.io/app and token glpat-kJyGX1qwRKlpGGiFqudV"

    values = [m.value for m in find_secrets(line)]

    assert values == ["Zq8vLm2Rt7pX", "kJyGX1qwRKlpGGiFqudV"]


# Lines of one repeated unit: long runs that defeat a pattern with overlapping or unbounded
# quantifiers. bench/redaction.py times each at 200 KB; the tests use 50 KB.
PATHOLOGICAL_UNITS = (
    *"a:@=1/-_A '`*.%&", "a:", "x://", "a@", "password=", "password: ", "password ", "curl -u a:", "mysql -pA1",
    "docker login -p x ", "--password ", "?token=", "&sig=a", "eyJ", "eyJaaaaaaaaa.", "sk-", "AccountKey=",
    "https://", "https://aaaaaaaaaaaaaaaaaaaa@", "SK" + "0" * 31, "Bearer ", "Authorization: Basic ", "glpat-",
    "xoxb-", "1.2.3.", "-----BEGIN PRIVATE KEY-----", "a1-", "Aa1!", "machine x login y password ",
    f"https://{SENTRY_KEY}@o1.",
)


def pathological(unit: str, size: int) -> str:
    return unit * (size // len(unit))


PATHOLOGICAL = [pathological(unit, 50_000) for unit in PATHOLOGICAL_UNITS]


@pytest.mark.parametrize("line", PATHOLOGICAL, ids=[line[:12] for line in PATHOLOGICAL])
def test_pathological_lines_are_scanned_in_bounded_time_and_every_value_found_is_masked(line: str) -> None:
    values = set(secret_values([line]))  # a quadratic pattern would not return: bench/redaction.py times it

    masked = Redactor(values)(line)

    assert all(v not in masked for v in values if len(v) >= MIN_VALUE and not is_placeholder(v))
    assert all(m.value in values for _n, m in scan_lines([line]))


def test_past_the_judging_cap_a_line_is_data_and_every_candidate_is_masked() -> None:
    decoys = " ".join(f"--password zz{i}" for i in range(MAX_JUDGED + 5))
    line = f"{decoys} --password IIbASeEVtmC1"

    masked = redact(line)

    assert masked.startswith("--password zz0 --password zz1 ")  # judged: too short to be a password
    assert "IIbASeEVtmC1" not in masked and masked.endswith("--password ****")


def test_the_exposure_pre_patterns_find_the_lines_the_plain_patterns_find() -> None:
    import random
    import re

    from rules.security._exposure import PATTERNS

    plain = (re.compile(r"\d\.\d{1,3}\.\d{1,3}\.\d"), re.compile(r":\d\d"))
    rng = random.Random(9)
    texts = ["".join(rng.choice(["1", "22", "333", ".", ":", "a", " ", "٣", "\n"]) for _ in range(rng.randint(1, 14)))
             for _ in range(20000)]
    for fast, slow in zip(PATTERNS, plain, strict=True):
        assert [fast.search(t) is not None for t in texts] == [slow.search(t) is not None for t in texts]
        assert [sorted({t.count("\n", 0, m.start()) for m in fast.finditer(t)}) for t in texts] == \
            [sorted({t.count("\n", 0, m.start()) for m in slow.finditer(t)}) for t in texts]
