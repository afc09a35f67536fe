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
