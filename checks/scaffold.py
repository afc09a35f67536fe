"""`claimcheck init [DIR]`: a project that keeps only data — its ledger, its targets, a CI workflow.

Nothing is overwritten: a file that exists is kept and reported as kept.
"""

from __future__ import annotations

from pathlib import Path

CLAIMS_README = """# The ledger

Put each document under judgement in `documents/` (`.txt`, `.md`, `.rst`, `.adoc`) and draft its ledger file:

    claimcheck claims draft path/to/design.md --system "Payments API"

Review the draft (`<document>.yaml`): keep, edit or delete each entry; confirm the waiver stubs. Then:

    claimcheck claims coverage --document design.md     # 0 uncovered lines, blocks not understood listed
    claimcheck run --target none --document design.md   # the document judged against itself

A ledger file declares its system, the system's id prefix and its documents:

    system: Payments API
    id_prefix: PA
    documents: [design.md]
    claims: [...]
"""

TARGETS = """# Targets claimcheck can judge claims against. Secrets are never written here: only the names
# of the environment variables that hold them. `claimcheck run --target NAME`.
default: none

targets:
  # Declared evidence only: the documents judged against themselves, no network access.
  none:
    kind: none
    description: Declared evidence only (documents, embedded manifests); nothing is contacted.

  # Your staging environment. Uncomment, fill in and export the variables it names.
  # staging:
  #   kind: staging
  #   description: Payments API staging
  #   allow_disruptive: false          # drills need an explicit true AND the certification profile
  #   max_rps: 50                      # the governor: claimcheck never sends more than this
  #   http:
  #     base_url: https://staging.api.example.com
  #     routes: {api: /api/v1/health, health: /health}
  #   tenants:
  #     - {slug: qa-tenant-a, api_key_env: STAGING_TENANT_A_API_KEY}
  #   prometheus: {url: https://prometheus.staging.example.com, bearer_token_env: STAGING_PROM_TOKEN}
  #   manifests: deploy/k8s            # the repository's own manifests, judged as configured evidence
  #   profiles:
  #     nightly: {latency_seconds: 30, first_look_s: 10, latency_rps: 20, probe_count: 300}
  #     certification: {latency_seconds: 120, latency_rps: 50, probe_count: 3000, drills: false}
"""

TEMPLATES = Path(__file__).with_name("templates") / "ci"
# `init --ci NAME`: the shipped template and where a project keeps it (one source for init and for copying).
CI_FILES = {
    "github": ("github-actions.yml", Path(".github") / "workflows" / "claimcheck.yml"),
    "gitlab": ("gitlab-ci.yml", Path(".gitlab-ci.yml")),
}


def ci_template(name: str) -> str:
    """The text of a shipped CI template (`github` or `gitlab`)."""
    return (TEMPLATES / CI_FILES[name][0]).read_text(encoding="utf-8")


IGNORED = ("reports/", ".sandbox/", ".claimcheck-cache/", ".claimcheck-drills/")


def scaffold(root: Path, ci: str | None = "github") -> list[str]:
    """Create the project's files under `root`, with the CI template `ci` (None: none); returns one line
    per file (created or kept)."""
    files = {root / "claims" / "README.md": CLAIMS_README, root / "targets.yaml": TARGETS}
    if ci is not None:
        files[root / CI_FILES[ci][1]] = ci_template(ci)
    (root / "claims" / "documents").mkdir(parents=True, exist_ok=True)
    done = [f"ready    {root / 'claims' / 'documents'}/"]
    for path, text in files.items():
        if path.exists():
            done.append(f"kept     {path}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        done.append(f"created  {path}")
    done.append(_ignore(root / ".gitignore"))
    done.append(f"next: claimcheck --project {root} claims draft DOCUMENT --system NAME")
    return done


def _ignore(path: Path) -> str:
    present = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    missing = [line for line in IGNORED if line not in present]
    if not missing:
        return f"kept     {path}"
    with path.open("a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in missing))
    return f"updated  {path} ({', '.join(missing)})"
