#!/usr/bin/python3
"""Heat-map of the cheapest alternative over two swept parameters, from a
sweep's points.csv (each cell names the winner and its cost; one colour
per alternative).

example: scripts/plot_heatmap.py results/NAME/points.csv --metric cost_usd"""
import sys

import pandas as pd
from matplotlib.colors import ListedColormap

from plot_common import colours, out_path, parser, plt, save

FIXED = {"point", "alternative", "replications"}


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("csv", help="a sweep's points.csv")
    ap.add_argument("--x", help="swept path on the x axis (default: the first)")
    ap.add_argument("--y", help="swept path on the y axis (default: the second)")
    ap.add_argument("--metric", default="cost_usd", help="metric to minimise (default cost_usd)")
    ap.add_argument("--out", help="PNG to write (default: beside the input, *-heatmap.png)")
    a = ap.parse_args()
    df = pd.read_csv(a.csv)
    first_metric = list(df.columns).index("arrivals")
    params = [c for c in df.columns[:first_metric] if c not in FIXED]
    if len(params) < 2 and not (a.x and a.y):
        print("needs a sweep over two parameters", file=sys.stderr)
        return 2
    x, y = a.x or params[0], a.y or params[1]
    best = df.loc[df.groupby("point")[a.metric].idxmin()]
    alts = list(dict.fromkeys(df["alternative"]))
    xs, ys = sorted(best[x].unique()), sorted(best[y].unique())
    grid = [[float("nan")] * len(xs) for _ in ys]
    fig, ax = plt.subplots(figsize=(8, 5))
    for _, r in best.iterrows():
        i, j = ys.index(r[y]), xs.index(r[x])
        grid[i][j] = alts.index(r["alternative"])
        ax.text(j, i, "%s\n%.3g" % (r["alternative"], r[a.metric]), ha="center",
                va="center", fontsize=6)
    cmap = ListedColormap(colours(len(alts)))
    im = ax.imshow(grid, origin="lower", cmap=cmap, vmin=-0.5, vmax=len(alts) - 0.5,
                   aspect="auto")
    ax.set_xticks(range(len(xs)), [str(v) for v in xs], fontsize=7)
    ax.set_yticks(range(len(ys)), [str(v) for v in ys], fontsize=7)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title("cheapest alternative by %s" % a.metric)
    del im
    save(fig, out_path(a.out, a.csv, "heatmap"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
