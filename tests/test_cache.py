"""The parse cache (checks/cache.py): an edited ledger file or document is read again, a foreign entry is
never trusted, and a cached result equals the uncached one."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from checks import cache
from checks.declared import document_verdicts
from checks.draft import onboard
from checks.draft.review import apply_review, fixtures
from checks.ledger import load_ledger
from checks.scaffold import scaffold
from checks.verdicts import Outcome

ROOT = Path(__file__).resolve().parent.parent
DESIGN = next(f for f in fixtures(ROOT / "tests" / "data" / "onboarding") if f.id_prefix == "PAY")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cache.NO_CACHE_ENV, raising=False)
    return folder


def design_project(root: Path) -> Path:
    """A project in `root` holding the Markdown design document, drafted and reviewed."""
    scaffold(root, ci=None)
    done = onboard(DESIGN.document, root / "claims", DESIGN.system, DESIGN.id_prefix)
    apply_review(done.ledger_file, DESIGN.review)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return design_project(tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_second_load_comes_from_the_cache(cache_dir: Path, project: Path) -> None:
    first = load_ledger(project / "claims")
    assert any(p.name.startswith("yaml-") for p in cache_dir.iterdir())
    again = load_ledger(project / "claims")
    assert [c.model_dump() for c in again] == [c.model_dump() for c in first]


def test_an_edited_ledger_file_is_read_again(cache_dir: Path, project: Path) -> None:
    ledger_file = next((project / "claims").glob("*.yaml"))
    before = load_ledger(project / "claims")["PAY-SCALE-01"].statement
    _edit(ledger_file, before, "Checkout scales to thirty pods at peak.")
    assert (
        load_ledger(project / "claims")["PAY-SCALE-01"].statement == "Checkout scales to thirty pods at peak."
    )


def test_an_edited_document_is_judged_again(
    cache_dir: Path, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = load_ledger(project / "claims")
    assert document_verdicts(ledger)["PAY-SCALE-01"].outcome == Outcome.DISPROVEN  # 30 pods, maxReplicas 12
    _edit(project / "claims" / "documents" / DESIGN.document.name, "maxReplicas: 12", "maxReplicas: 40")
    cached = document_verdicts(load_ledger(project / "claims"))
    assert cached["PAY-SCALE-01"].outcome != Outcome.DISPROVEN
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    assert cached == document_verdicts(load_ledger(project / "claims"))


def test_an_edited_claim_is_judged_again(cache_dir: Path, project: Path) -> None:
    ledger_file = next((project / "claims").glob("*.yaml"))
    assert document_verdicts(load_ledger(project / "claims"))["PAY-SCALE-01"].outcome == Outcome.DISPROVEN
    _edit(ledger_file, "bound: 30\n  unit: pods", "bound: 12\n  unit: pods")
    _edit(ledger_file, "to_replicas: 30", "to_replicas: 12")
    assert document_verdicts(load_ledger(project / "claims"))["PAY-SCALE-01"].outcome != Outcome.DISPROVEN


def test_an_unsigned_entry_is_never_unpickled(cache_dir: Path) -> None:
    name = cache.key_of("test", "value")
    cache.store(name, {"ok": True})
    assert cache.load(name) == {"ok": True}
    planted = pickle.dumps({"planted": True})
    (cache_dir / name).write_bytes(b"\0" * cache.SIGNATURE + planted)
    assert cache.load(name) is None
    assert cache.cached(name, lambda: {"ok": "recomputed"}) == {"ok": "recomputed"}


def test_every_key_depends_on_the_code(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache.key_of("test", "same input")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "edited code")
    assert cache.key_of("test", "same input") != before


def test_a_key_separates_its_parts() -> None:
    assert cache.key_of("test", "ab", "c") != cache.key_of("test", "a", "bc")


def test_no_cache_turns_it_off(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.NO_CACHE_ENV, "1")
    cache.store("x", 1)
    assert cache.load("x") is None and not cache_dir.exists()


def test_invalid_yaml_raises_the_usual_error(cache_dir: Path, tmp_path: Path) -> None:
    import yaml

    from checks.errors import ConfigError
    from checks.yamlfile import load_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_yaml(bad)
    with pytest.raises(yaml.YAMLError) as usual:
        yaml.safe_load("a: [1, 2\n")
    assert str(usual.value) in str(raised.value)


def test_a_duplicate_key_is_refused_and_never_cached(cache_dir: Path, tmp_path: Path) -> None:
    from checks.errors import ConfigError
    from checks.yamlfile import load_yaml

    twice = tmp_path / "twice.yaml"
    twice.write_text("a: 1\nb: 2\na: 3\n", encoding="utf-8")
    for _ in range(2):  # a second read is refused again: nothing was stored for it
        with pytest.raises(ConfigError, match="duplicate key at line 3"):
            load_yaml(twice)
    good = tmp_path / "good.yaml"
    good.write_text("a: 1\nb: [x, y]\n", encoding="utf-8")
    assert load_yaml(good) == load_yaml(good) == {"a": 1, "b": ["x", "y"]}
