"""Secrets named by targets.yaml never reach reports: names found anywhere, values masked in text and data."""

from __future__ import annotations

import pytest

from checks.report.redact import MASK, Redactor, secret_env_names
from checks.targets import Target

TARGET = Target.model_validate(
    {
        "kind": "staging",
        "tenants": [{"slug": "a", "api_key_env": "CC_T_API_KEY_A", "db_password_env": "CC_T_DB_PW_A"}],
        "postgres": {
            "primary": {
                "host": "127.0.0.1",
                "port": 5433,
                "dbname": "app",
                "user": "app",
                "password_env": "CC_T_PG_PW",
            }
        },
        "redis": {"primary": {"host": "127.0.0.1", "port": 6390}},
        "prometheus": {"url": "https://127.0.0.1:9390", "bearer_token_env": "CC_T_PROM_TOKEN"},
    }
)


def test_every_env_name_the_target_points_at_is_found() -> None:
    assert secret_env_names(TARGET) == {"CC_T_API_KEY_A", "CC_T_DB_PW_A", "CC_T_PG_PW", "CC_T_PROM_TOKEN"}


def test_a_target_without_secrets_names_none() -> None:
    assert secret_env_names(Target(kind="none")) == set()


def test_secrets_are_masked_in_text() -> None:
    assert Redactor(["s3cr3t-pw"]).text("login app:s3cr3t-pw@db failed") == f"login app:{MASK}@db failed"


def test_short_values_are_not_treated_as_secrets() -> None:
    assert Redactor(["abc"]).text("abc abcd") == "abc abcd"


def test_the_longest_secret_is_masked_first() -> None:
    assert Redactor(["token", "token-extended"]).text("token-extended") == MASK


def test_nested_data_is_masked_and_other_values_kept() -> None:
    data = {"reason": "bad pw hunter22", "samples": [1, 2.5, None], "pair": ("hunter22", True)}
    assert Redactor(["hunter22"]).data(data) == {
        "reason": f"bad pw {MASK}",
        "samples": [1, 2.5, None],
        "pair": [MASK, True],
    }


def test_for_target_reads_only_the_set_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CC_T_PG_PW", "pg-password-1")
    monkeypatch.setenv("CC_T_PROM_TOKEN", "prom-token-2")
    monkeypatch.delenv("CC_T_API_KEY_A", raising=False)
    monkeypatch.delenv("CC_T_DB_PW_A", raising=False)
    masked = Redactor.for_target(TARGET).text("pg-password-1 / prom-token-2 / other")
    assert masked == f"{MASK} / {MASK} / other"


def test_secrets_in_mapping_keys_are_masked() -> None:
    masked = Redactor(["hunter22"]).data({"postgresql://app:hunter22@db": "refused"})
    assert "hunter22" not in repr(masked)


SECRET = "sup3r-s3cret-token-0123456789"


@pytest.mark.parametrize("prefix", ["", "u:", "us:", "usr:"])
def test_base64_of_a_secret_is_masked_at_any_alignment(prefix: str) -> None:
    import base64

    encoded = base64.b64encode(f"{prefix}{SECRET}xyz".encode()).decode()
    assert encoded[8:28] not in Redactor([SECRET]).text(f"Authorization: Basic {encoded}")


def test_url_encoded_hex_and_json_escaped_forms_are_masked() -> None:
    from urllib.parse import quote

    secret = 'p@ss w/rd"tok3n'
    text = f"q={quote(secret, safe='')} hex={secret.encode().hex()} json={json_escaped(secret)}"
    assert Redactor([secret]).text(text) == f"q={MASK} hex={MASK} json={MASK}"


def json_escaped(value: str) -> str:
    import json

    return json.dumps(value)[1:-1]


def test_any_fragment_of_eight_characters_is_masked_and_shorter_ones_kept() -> None:
    redactor = Redactor([SECRET])
    assert SECRET[3:11] not in redactor.text(f"cut: ...{SECRET[3:11]}")
    assert redactor.text(f"kept: {SECRET[:7]}") == f"kept: {SECRET[:7]}"


def test_an_excerpt_is_redacted_on_the_full_text_before_it_is_cut() -> None:
    from checks.report.redact import excerpt, register_secret

    register_secret(SECRET)
    cut = excerpt("x" * 190 + SECRET, 200)
    assert not any(SECRET[i : i + 8] in cut for i in range(len(SECRET) - 7)) and len(cut) <= 200
