"""targets.yaml: schema errors name file, target and key; secrets come only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.errors import ConfigError
from checks.ledger import project_root
from checks.targets import load_targets, secret, select_target


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_projects_targets_file_is_valid_and_defaults_to_local() -> None:
    targets = load_targets(project_root() / "targets.yaml")
    assert targets.default == "local"
    assert targets.targets["local"].kind == "sandbox" and targets.targets["none"].kind == "none"


def test_an_unknown_key_names_the_target_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "default: s\ntargets:\n  s:\n    kind: staging\n    max_rsp: 10\n")
    with pytest.raises(ConfigError) as caught:
        load_targets(path)
    assert str(path) in str(caught.value) and "[s]" in str(caught.value) and "max_rsp" in str(caught.value)


def test_a_bad_value_is_shown(tmp_path: Path) -> None:
    path = write(tmp_path, "default: s\ntargets:\n  s:\n    kind: stagin\n")
    with pytest.raises(ConfigError, match="stagin"):
        load_targets(path)


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "default: [\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_targets(path)


def test_an_undefined_default_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="default target 'x'"):
        load_targets(write(tmp_path, "default: x\ntargets: {}\n"))


def test_unknown_target_lists_the_known_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "default: none\ntargets: {}\n")
    with pytest.raises(ConfigError, match="known: none"):
        select_target(path, "prod")


def test_a_missing_secret_variable_is_named_without_a_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CC_TEST_SECRET", raising=False)
    with pytest.raises(ConfigError, match="CC_TEST_SECRET is not set"):
        secret("CC_TEST_SECRET", key="postgres.primary.password_env")
    monkeypatch.setenv("CC_TEST_SECRET", "s3cr3t-value")
    assert secret("CC_TEST_SECRET", key="x") == "s3cr3t-value"
