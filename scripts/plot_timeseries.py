#!/usr/bin/python3
"""Instances by state, VMs, and p95 latency over time for one alternative
(replication 0 unless --replication), from a run's timeseries.csv.

example: scripts/plot_timeseries.py results/spiky/timeseries.csv --alternative lambda"""
import sys

import pandas as pd

from plot_common import out_path, parser, plt, save


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("csv", help="a run's timeseries.csv")
    ap.add_argument("--alternative", help="alternative to plot (default: the first)")
    ap.add_argument("--replication", type=int, default=0, help="replication (default 0)")
    ap.add_argument("--out", help="PNG to write (default: beside the input, *-timeseries.png)")
    a = ap.parse_args()
    df = pd.read_csv(a.csv)
    alt = a.alternative or df["alternative"].iloc[0]
    d = df[(df["alternative"] == alt) & (df["replication"] == a.replication)]
    if d.empty:
        print("no rows for %s, replication %d" % (alt, a.replication), file=sys.stderr)
        return 2
    t = d["t1_s"] / 3600.0
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(8, 5.5), sharex=True)
    ax1.stackplot(t, d["busy"], d["idle"], d["starting"],
                  labels=["busy", "idle", "starting"], alpha=0.8)
    if d["vm_ready"].max() > 0 or d["vm_booting"].max() > 0:
        ax1.plot(t, d["vm_ready"] + d["vm_booting"], "k--", lw=1, label="VMs")
    ax1.set_ylabel("instances (time average)")
    ax1.legend(fontsize=7, loc="upper right")
    ax1.set_title(alt)
    ax2.plot(t, d["p95_ms"], lw=1)
    ax2.set_ylabel("p95 latency (ms)")
    ax2.set_xlabel("time (h)")
    ax2.set_yscale("log")
    for ax in (ax1, ax2):
        ax.grid(True, alpha=0.3)
    save(fig, out_path(a.out, a.csv, "timeseries"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
