"""The reports directory: one run at a time (an exclusive lock), each run in a fresh directory, swapped in
whole at the end.

```
reports/
  .lock                      flock'ed by the run in progress (pid and run id inside)
  .runs/<run id>/            one per run, mode 0700: verdicts.json, allure-results/, documents/, evidence/ ...
  .latest -> .runs/<run id>  replaced atomically (a rename) when a run ends, interrupted or not
  verdicts.json, allure-results, allure-report, documents, MANIFEST.sha256, ...  -> .latest/...
  history.jsonl              Allure's history, carried across runs
```
Until a run ends, `reports/verdicts.json` is the previous run's; a run that cannot write (read-only, full
disk) leaves it untouched and removes its own directory. Older run directories beyond KEEP are pruned. The
run directories and the latest link are dot-names, so the reports folder reads (and verifies, and copies)
as one bundle: the latest run's.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from checks.errors import ConfigError, ReportWriteError

RUNS, LATEST = ".runs", ".latest"
SHARED = {"history.jsonl", "README.md"}  # files at the root that span runs: never links, never moved
KEEP = 2  # run directories kept: the latest and the one before


def current_run(root: Path) -> Path:
    """The directory a reports root's latest run lives in (the root itself without run directories)."""
    latest = root / LATEST
    return Path(os.path.realpath(latest)) if latest.is_symlink() and latest.exists() else root


def _failure(path: Path, exc: OSError, doing: str) -> ReportWriteError:
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        reason = "no space left on the device"
    return ReportWriteError(f"cannot {doing} {path}: {reason}")


@dataclass
class ReportsDir:
    """`--reports-dir` (default reports/)."""

    root: Path

    @property
    def runs(self) -> Path:
        return self.root / RUNS

    def usable(self) -> None:
        """Raise ReportWriteError unless root is (or can be made) a directory."""
        if self.root.exists() and not self.root.is_dir():
            raise ReportWriteError(f"--reports-dir {self.root} is not a directory")
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _failure(self.root, exc, "create the reports directory") from None

    @contextlib.contextmanager
    def locked(self, run_id: str) -> Iterator[ReportsDir]:
        """Hold the directory's exclusive lock; a second run is refused (ConfigError, exit 2)."""
        self.usable()
        path = self.root / ".lock"
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise _failure(path, exc, "create the lock file") from None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "unknown"
                raise ConfigError(
                    str(self.root),
                    f"in use by another claimcheck run ({holder}); wait for it to end or use another "
                    "--reports-dir",
                    key="--reports-dir",
                ) from None
            holder = f"pid {os.getpid()}, run {run_id}, since {time.strftime('%H:%M:%S')}"
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
                os.pwrite(fd, holder.encode(), 0)
            yield self
        finally:
            os.close(fd)  # releases the lock

    def fresh(self, run_id: str) -> Path:
        """A new, private (0700) directory for this run; proves it can be written before anything runs."""
        run_dir = self.runs / run_id
        try:
            self.runs.mkdir(mode=0o700, parents=True, exist_ok=True)
            run_dir.mkdir(mode=0o700)
            probe = run_dir / ".write-test"
            probe.write_bytes(b"ok")
            probe.unlink()
        except OSError as exc:
            with contextlib.suppress(OSError):
                shutil.rmtree(run_dir)
            raise _failure(run_dir, exc, "write the run directory") from None
        return run_dir

    def discard(self, run_dir: Path) -> None:
        """Remove a run's directory (a run that could not write leaves nothing behind)."""
        shutil.rmtree(run_dir, ignore_errors=True)

    def publish(self, run_dir: Path) -> None:
        """Make `run_dir` the latest run in one rename, link every name it holds to it (and drop links to
        names it does not hold), prune old runs."""
        names = {p.name for p in run_dir.iterdir() if not p.name.startswith(".")} - SHARED
        try:
            self._swap(self.root / LATEST, Path(RUNS) / run_dir.name)
            for name in sorted(names):
                self._link(name)
            self._unlink_stale(names)
        except OSError as exc:
            raise _failure(self.root, exc, "publish the run into") from None
        self.prune(keep=run_dir.name)

    def _unlink_stale(self, names: set[str]) -> None:
        """Links to names this run does not hold go; real files and folders from before run directories
        existed are set aside (then pruned), so nothing of an older run reads as this one's."""
        for entry in self.root.iterdir():
            if entry.name in names or entry.name in SHARED or entry.name.startswith("."):
                continue
            if entry.is_symlink():
                if os.readlink(entry).startswith(f"{LATEST}/"):
                    entry.unlink()
            else:
                self._set_aside(entry)

    def _swap(self, link: Path, target: Path) -> None:
        tmp = link.with_name(f".{link.name}-{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(target, tmp)
        if link.exists() and not link.is_symlink():
            self._set_aside(link)
        os.replace(tmp, link)

    def _link(self, name: str) -> None:
        link = self.root / name
        if link.is_symlink() and os.readlink(link) == f"{LATEST}/{name}":
            return
        self._swap(link, Path(LATEST) / name)

    def _set_aside(self, path: Path) -> None:
        """A real file or directory from before run directories existed: moved into runs/ (then pruned)."""
        legacy = self.runs / f"legacy-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}"
        legacy.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.replace(path, legacy / path.name)

    def prune(self, keep: str) -> None:
        """Delete run directories beyond the newest KEEP (never the one `latest` points at)."""
        if not self.runs.is_dir():
            return
        dirs = sorted((d for d in self.runs.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime)
        old = [d for d in dirs if d.name != keep][: max(0, len(dirs) - KEEP)]
        for stale in old:
            shutil.rmtree(stale, ignore_errors=True)
