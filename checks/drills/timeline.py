"""Drill timelines as pictures: canary writes (acknowledged / failed) against time with the drill's events.

Small matplotlib helpers (Agg backend, PNG bytes) for the report; the data itself is the evidence's to_dict().
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from checks.drills.evidence import Event, FailoverTimeline, RolloutResult

COLORS = {
    "fault": "tab:red",
    "promotion": "tab:purple",
    "new_master": "tab:purple",
    "first_success": "tab:green",
    "stop": "tab:red",
    "healthy": "tab:green",
    "restored": "tab:blue",
    "timeout": "black",
}


def _figure(
    title: str,
    xs_ok: Sequence[float],
    xs_bad: Sequence[float],
    events: Sequence[Event],
    labels: tuple[str, str],
) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 3.2), dpi=100)
    ax.scatter(xs_ok, [1] * len(xs_ok), s=6, color="tab:green", label=labels[0])
    ax.scatter(xs_bad, [0] * len(xs_bad), s=6, color="tab:red", label=labels[1])
    for event in events:
        if event.kind in COLORS:
            ax.axvline(event.t, color=COLORS[event.kind], linestyle="--", linewidth=1)
            ax.annotate(event.kind, (event.t, 1.25), rotation=90, fontsize=7, va="bottom", ha="right")
    ax.set_ylim(-0.5, 2.2)
    ax.set_yticks([0, 1], ["failed", "ok"])
    ax.set_xlabel("seconds since drill start")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def failover_png(timeline: FailoverTimeline) -> bytes:
    """Writes and events of a failover drill, titled with the measured RTO/RPO."""
    rto, rpo = timeline.rto_s, timeline.rpo_s
    title = (
        f"{timeline.system} failover ({timeline.run_id}): RTO "
        f"{'n/a' if rto is None else f'{rto:.3f} s'}, RPO {'n/a' if rpo is None else f'{rpo:.3f} s'}, "
        f"{len(timeline.lost)} acknowledged write(s) lost"
    )
    ok = [w.t for w in timeline.writes if w.ok]
    bad = [w.t for w in timeline.writes if not w.ok]
    return _figure(title, ok, bad, timeline.events, ("acknowledged write", "failed write"))


def rollout_png(result: RolloutResult) -> bytes:
    """Gateway probes and instance restarts of a rollout drill."""
    title = f"rollout ({result.run_id}): {result.failures} of {len(result.probes)} probes failed"
    ok = [p.t for p in result.probes if p.ok]
    bad = [p.t for p in result.probes if not p.ok]
    return _figure(title, ok, bad, result.events, ("probe 200", "probe failed"))
