#!/usr/bin/python3
"""Cost against p99 latency for every alternative, with the Pareto front
(no other alternative is both cheaper and faster) drawn through it.

usage: scripts/plot_pareto.py results/spiky/summary.csv [--out FILE]
       (also takes a sweep's points.csv: one dot per point and alternative)"""
import argparse
import sys

import pandas as pd

from plot_common import out_path, plt, save


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--out")
    ap.add_argument("--latency", default="p99_ms", help="latency column (p99_ms)")
    a = ap.parse_args()
    df = pd.read_csv(a.csv)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, g in df.groupby("alternative", sort=False):
        ax.errorbar(g[a.latency], g["cost_usd"], xerr=g.get(a.latency + "_ci95"),
                    yerr=g.get("cost_usd_ci95"), fmt="o", capsize=3, label=name)
    pts = df.sort_values([a.latency, "cost_usd"])
    front, best = [], float("inf")
    for _, r in pts.iterrows():
        if r["cost_usd"] < best:
            front.append((r[a.latency], r["cost_usd"]))
            best = r["cost_usd"]
    if front:
        xs, ys = zip(*front)
        ax.step(xs, ys, where="post", color="k", lw=1, alpha=0.6, label="Pareto front")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(a.latency.replace("_ms", "") + " latency (ms)")
    ax.set_ylabel("cost (USD, over the horizon)")
    ax.legend(fontsize=7, loc="best")
    ax.grid(True, which="both", alpha=0.3)
    save(fig, out_path(a.out, a.csv, "pareto"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
