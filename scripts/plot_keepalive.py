#!/usr/bin/python3
"""Cold-start % (with 95% intervals) against keep-alive, one line per
value of a second swept parameter (e.g. the provisioned count), from a
sweep's points.csv.

usage: scripts/plot_keepalive.py results/sweep-keepalive/points.csv
       [--alternative swept] [--x PATH] [--by PATH] [--metric cold_pct]
       [--out FILE]"""
import argparse
import sys

import pandas as pd

from plot_common import out_path, plt, save

FIXED = {"point", "alternative", "replications"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--alternative")
    ap.add_argument("--x", help="swept path on the x axis (default: the first keep-alive one)")
    ap.add_argument("--by", help="swept path for separate lines (default: the other one)")
    ap.add_argument("--metric", default="cold_pct")
    ap.add_argument("--out")
    a = ap.parse_args()
    df = pd.read_csv(a.csv)
    first_metric = list(df.columns).index("arrivals")
    params = [c for c in df.columns[:first_metric] if c not in FIXED]
    x = a.x or next((p for p in params if "keepalive" in p), params[0])
    by = a.by or next((p for p in params if p != x), None)
    alt = a.alternative or df["alternative"].iloc[0]
    d = df[df["alternative"] == alt]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    groups = d.groupby(by, sort=True) if by else [(None, d)]
    for value, g in groups:
        g = g.sort_values(x)
        ax.errorbar(g[x], g[a.metric], yerr=g[a.metric + "_ci95"], marker="o",
                    capsize=3, label=("%s = %s" % (by, value)) if by else alt)
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel(x + " (s)")
    ax.set_ylabel(a.metric)
    ax.legend(fontsize=7)
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title("%s: %s (95%% intervals)" % (alt, a.metric))
    save(fig, out_path(a.out, a.csv, "keepalive"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
