#!/usr/bin/python3
"""Latency CDF of every alternative (quantiles p = 0.001 .. 1, averaged
over replications), from a run's summary.json.

usage: scripts/plot_cdf.py results/spiky/summary.json [--out FILE]"""
import argparse
import json
import sys

from plot_common import out_path, plt, save


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("json")
    ap.add_argument("--out")
    a = ap.parse_args()
    summary = json.load(open(a.json))
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for alt in summary["alternatives"]:
        cdf = alt["latency_cdf"]
        pts = [(ms, p) for ms, p in zip(cdf["ms"], cdf["p"]) if ms is not None and ms > 0]
        if pts:
            xs, ys = zip(*pts)
            ax.step(xs, ys, where="post", label=alt["name"])
    ax.set_xscale("log")
    ax.set_xlabel("latency (ms)")
    ax.set_ylabel("fraction of completed requests")
    ax.set_ylim(0, 1.01)
    ax.axhline(0.99, color="k", lw=0.5, ls=":")
    ax.legend(fontsize=7, loc="lower right")
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title("%s (SLO %g ms)" % (summary["scenario"], summary["slo_ms"]))
    save(fig, out_path(a.out, a.json, "cdf"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
