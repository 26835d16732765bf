#!/usr/bin/python3
"""Cold-start % (with 95% intervals) against keep-alive, one line per
value of a second swept parameter (e.g. the provisioned count), from a
sweep's points.csv.

example: scripts/plot_keepalive.py results/sweep-keepalive/points.csv --alternative swept"""
import sys

import pandas as pd

from plot_common import legend, out_path, parser, plt, save, styles

FIXED = {"point", "alternative", "replications"}


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("csv", help="a sweep's points.csv")
    ap.add_argument("--alternative", help="alternative to plot (default: the first)")
    ap.add_argument("--x", help="swept path on the x axis (default: the first keep-alive one)")
    ap.add_argument("--by", help="swept path for separate lines (default: the other one)")
    ap.add_argument("--metric", default="cold_pct", help="metric column (default cold_pct)")
    ap.add_argument("--out", help="PNG to write (default: beside the input, *-keepalive.png)")
    a = ap.parse_args()
    df = pd.read_csv(a.csv)
    first_metric = list(df.columns).index("arrivals")
    params = [c for c in df.columns[:first_metric] if c not in FIXED]
    x = a.x or next((p for p in params if "keepalive" in p), params[0])
    by = a.by or next((p for p in params if p != x), None)
    alt = a.alternative or df["alternative"].iloc[0]
    d = df[df["alternative"] == alt]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    groups = list(d.groupby(by, sort=True)) if by else [(None, d)]
    for (value, g), st in zip(groups, styles(len(groups))):
        g = g.sort_values(x)
        ax.errorbar(g[x], g[a.metric], yerr=g[a.metric + "_ci95"], capsize=3, **st,
                    label=("%s = %s" % (by, value)) if by else alt)
    ax.set_xscale("symlog", linthresh=1)
    ax.set_xlabel(x + " (s)")
    ax.set_ylabel(a.metric)
    legend(ax, len(groups))
    ax.grid(True, which="both", alpha=0.3)
    ax.set_title("%s: %s (95%% intervals)" % (alt, a.metric))
    save(fig, out_path(a.out, a.csv, "keepalive"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
