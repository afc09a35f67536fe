"""`claimcheck init [DIR]`: a project that keeps only data — its ledger, its targets, a CI job.

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
  #     nightly: {latency_seconds: 30, latency_rps: 20, probe_count: 300}
  #     certification: {latency_seconds: 120, latency_rps: 50, probe_count: 3000, drills: false}
"""

CI = """# claimcheck on every change of the documents or the ledger: the ledger must validate and cover every
# line, and the documents are judged against themselves (exit 1 when a claim is DISPROVEN).
name: claimcheck
on:
  push:
    paths: ["claims/**", "targets.yaml"]
  pull_request:
    paths: ["claims/**", "targets.yaml"]
jobs:
  declared:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with: {python-version: "3.11"}
      - run: pip install claimcheck
      - run: claimcheck claims coverage
      - run: claimcheck run --target none --no-html
      - uses: actions/upload-artifact@v4
        if: always()
        with: {name: claimcheck-reports, path: reports/}
"""

IGNORED = ("reports/", ".sandbox/")


def scaffold(root: Path) -> list[str]:
    """Create the project's files under `root`; returns one line per file (created or kept)."""
    files = {
        root / "claims" / "README.md": CLAIMS_README,
        root / "targets.yaml": TARGETS,
        root / ".github" / "workflows" / "claimcheck.yml": CI,
    }
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
