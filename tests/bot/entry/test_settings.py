"""Settings: the exact variable names, and one line naming whatever is missing or malformed."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from bot.entry.settings import DEFAULT_MAX_BODY_BYTES, SettingsError, load_settings
from tests.bot.websupport import SECRET, rsa_pem


def env(**overrides: str | None) -> dict[str, str]:
    base: dict[str, str | None] = {
        "DEVDOCS_APP_ID": "4242",
        "DEVDOCS_PRIVATE_KEY": rsa_pem(),
        "DEVDOCS_WEBHOOK_SECRET": SECRET,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def error_for(values: dict[str, str]) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(values)
    message = str(caught.value)
    assert "\n" not in message
    return message


def test_minimal_environment_gets_the_documented_defaults() -> None:
    settings = load_settings(env())

    assert settings.app_id == 4242
    assert settings.webhook_secret.get_secret_value() == SECRET
    assert settings.github_api_url == "https://api.github.com"
    assert settings.check_name == "devdocs-review"
    assert settings.queue_url == "sqlite:///./devdocs-queue.db"  # durable by default, no server
    assert settings.max_body_bytes == DEFAULT_MAX_BODY_BYTES == 5 * 1024 * 1024
    assert settings.log_level == "INFO"


def test_every_documented_variable_is_read() -> None:
    settings = load_settings(env(
        DEVDOCS_GITHUB_API_URL="https://ghe.example.com/api/v3/",
        DEVDOCS_CHECK_NAME="planning docs",
        DEVDOCS_QUEUE_URL="sqlite:///var/lib/devdocs/queue.db",
        DEVDOCS_MAX_BODY_BYTES="1048576",
        DEVDOCS_LOG_LEVEL="debug",
        DEVDOCS_GITHUB_TIMEOUT_SECONDS="2.5",
        DEVDOCS_WORKER_LEASE_SECONDS="30",
        DEVDOCS_WORKER_MAX_ATTEMPTS="3",
        DEVDOCS_WORKER_RETRY_SECONDS="0.5",
        DEVDOCS_WORKER_CONCURRENCY="16",
    ))

    assert settings.github_api_url == "https://ghe.example.com/api/v3"  # trailing slash stripped
    assert settings.check_name == "planning docs"
    assert settings.queue_url == "sqlite:///var/lib/devdocs/queue.db"
    assert settings.max_body_bytes == 1048576
    assert settings.log_level == "DEBUG"
    assert (settings.github_timeout_seconds, settings.worker_lease_seconds) == (2.5, 30.0)
    assert (settings.worker_max_attempts, settings.worker_retry_seconds) == (3, 0.5)
    assert settings.worker_concurrency == 16


def test_loopback_api_url_is_accepted() -> None:
    assert load_settings(env(DEVDOCS_GITHUB_API_URL="http://127.0.0.1:8765")).github_api_url == "http://127.0.0.1:8765"


@pytest.mark.parametrize("missing", ["DEVDOCS_APP_ID", "DEVDOCS_WEBHOOK_SECRET"])
def test_a_missing_required_setting_is_named(missing: str) -> None:
    assert error_for(env(**{missing: None})) == f"{missing} is required"


def test_a_blank_webhook_secret_counts_as_missing() -> None:
    assert error_for(env(DEVDOCS_WEBHOOK_SECRET="  ")) == "DEVDOCS_WEBHOOK_SECRET is required"


def test_a_missing_private_key_names_both_ways_to_give_it() -> None:
    assert error_for(env(DEVDOCS_PRIVATE_KEY=None)) == (
        "DEVDOCS_PRIVATE_KEY or DEVDOCS_PRIVATE_KEY_FILE is required"
    )


def test_private_key_and_key_file_together_are_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(rsa_pem())

    message = error_for(env(DEVDOCS_PRIVATE_KEY_FILE=str(key_file)))

    assert message == "set only one of DEVDOCS_PRIVATE_KEY and DEVDOCS_PRIVATE_KEY_FILE"


def test_private_key_file_is_read_at_load(tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text(rsa_pem())

    settings = load_settings(env(DEVDOCS_PRIVATE_KEY=None, DEVDOCS_PRIVATE_KEY_FILE=str(key_file)))

    assert settings.private_key.get_secret_value() == rsa_pem()


def test_unreadable_private_key_file_is_named(tmp_path: Path) -> None:
    message = error_for(env(DEVDOCS_PRIVATE_KEY=None, DEVDOCS_PRIVATE_KEY_FILE=str(tmp_path / "nope.pem")))

    assert message.startswith("DEVDOCS_PRIVATE_KEY_FILE cannot be read")


def test_a_key_that_is_not_pem_is_named_without_echoing_it() -> None:
    message = error_for(env(DEVDOCS_PRIVATE_KEY="hunter2-not-a-key"))

    assert message == "DEVDOCS_PRIVATE_KEY is not a PEM private key"
    assert "hunter2" not in message


def test_a_key_file_that_is_not_pem_names_the_file_variable(tmp_path: Path) -> None:
    key_file = tmp_path / "app.pem"
    key_file.write_text("garbage")

    message = error_for(env(DEVDOCS_PRIVATE_KEY=None, DEVDOCS_PRIVATE_KEY_FILE=str(key_file)))

    assert message == "DEVDOCS_PRIVATE_KEY_FILE is not a PEM private key"


def test_a_non_rsa_key_is_refused() -> None:
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()

    assert error_for(env(DEVDOCS_PRIVATE_KEY=pem)).startswith("DEVDOCS_PRIVATE_KEY is not an RSA private key")


def test_a_key_pasted_on_one_line_with_escaped_newlines_is_accepted() -> None:
    one_line = rsa_pem().strip().replace("\n", "\\n")

    settings = load_settings(env(DEVDOCS_PRIVATE_KEY=one_line))

    assert settings.private_key.get_secret_value().startswith("-----BEGIN RSA PRIVATE KEY-----\n")


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DEVDOCS_APP_ID", "abc", "DEVDOCS_APP_ID must be an integer"),
        ("DEVDOCS_APP_ID", "0", "DEVDOCS_APP_ID must be a positive integer"),
        ("DEVDOCS_GITHUB_API_URL", "api.github.com", "DEVDOCS_GITHUB_API_URL must be an http(s) URL"),
        ("DEVDOCS_GITHUB_API_URL", "ftp://example.com", "DEVDOCS_GITHUB_API_URL must be an http(s) URL"),
        ("DEVDOCS_GITHUB_API_URL", "https://x.example?a=1", "DEVDOCS_GITHUB_API_URL must not have a query"),
        ("DEVDOCS_CHECK_NAME", " ", "DEVDOCS_CHECK_NAME must not be empty"),
        ("DEVDOCS_QUEUE_URL", "kafka://broker", "DEVDOCS_QUEUE_URL must start with one of"),
        ("DEVDOCS_MAX_BODY_BYTES", "lots", "DEVDOCS_MAX_BODY_BYTES must be an integer"),
        ("DEVDOCS_MAX_BODY_BYTES", "0", "DEVDOCS_MAX_BODY_BYTES must be a positive integer"),
        ("DEVDOCS_MAX_BODY_BYTES", str(26 * 1024 * 1024), "DEVDOCS_MAX_BODY_BYTES must be at most"),
        ("DEVDOCS_LOG_LEVEL", "chatty", "DEVDOCS_LOG_LEVEL must be one of"),
        ("DEVDOCS_GITHUB_TIMEOUT_SECONDS", "soon", "DEVDOCS_GITHUB_TIMEOUT_SECONDS must be a number"),
        ("DEVDOCS_GITHUB_TIMEOUT_SECONDS", "0", "DEVDOCS_GITHUB_TIMEOUT_SECONDS must be a positive number"),
        ("DEVDOCS_WORKER_LEASE_SECONDS", "-1", "DEVDOCS_WORKER_LEASE_SECONDS must be a positive number"),
        ("DEVDOCS_WORKER_MAX_ATTEMPTS", "0", "DEVDOCS_WORKER_MAX_ATTEMPTS must be a positive integer"),
        ("DEVDOCS_WORKER_CONCURRENCY", "0", "DEVDOCS_WORKER_CONCURRENCY must be a positive integer"),
    ],
)
def test_a_malformed_setting_is_named(variable: str, value: str, expected: str) -> None:
    assert error_for(env(**{variable: value})).startswith(expected)


def test_settings_never_show_secrets_in_their_repr() -> None:
    text = repr(load_settings(env()))

    assert SECRET not in text
    assert "PRIVATE KEY" not in text


def test_only_the_given_mapping_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEVDOCS_CHECK_NAME", "from-the-process-environment")

    assert load_settings(env()).check_name == "devdocs-review"


def test_the_process_environment_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in env(DEVDOCS_CHECK_NAME="from-env").items():
        monkeypatch.setenv(name, value)

    assert load_settings().check_name == "from-env"


def test_importing_the_app_modules_reads_no_devdocs_variable() -> None:
    import subprocess
    import sys

    code = """
import os
seen = []
class Watched(dict):
    def __getitem__(self, key): seen.append(key); return super().__getitem__(key)
    def get(self, key, default=None): seen.append(key); return super().get(key, default)
    def __contains__(self, key): seen.append(key); return super().__contains__(key)
os.environ = Watched(os.environ)
import bot.entry.settings, bot.intake.webhooks, bot.jobs.worker, bot.logs, bot.metrics
import bot.intake.events, bot.intake.payloads, bot.jobs.memory
print(sorted({k for k in seen if isinstance(k, str) and k.startswith("DEVDOCS_")}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
