#!/usr/bin/python3
"""Two figures of a `simsrv optimize` result folder: the objective against
the latency metric for every evaluated candidate (finalists.csv), with the
Pareto front (pareto.csv) drawn through it, the latency constraint's bound
as a vertical line and the recommendation starred (DIR/optimize-pareto.png);
and the objective of each evaluated candidate with its interval, coloured by
its status and labelled with why it lost (DIR/optimize-finalists.png).

examples: scripts/plot_optimize.py results/optimize-platform
          scripts/plot_optimize.py results/optimize-lambda-memory --out /tmp/lm
          (writes /tmp/lm-pareto.png and /tmp/lm-finalists.png)"""
import os
import sys

import pandas as pd

from plot_common import legend, parser, plt, save, styles

STATUS_COLOURS = {"chosen": "#2ca02c", "within-indifference": "#98df8a",
                  "indistinguishable": "#bcbd22", "worse": "#1f77b4",
                  "infeasible": "#d62728", "skipped": "#7f7f7f"}
MAX_ROWS = 40  # candidates in the finalists figure; the rest are left out


def read(folder):
    """finalists.csv (evaluated candidates only) and pareto.csv, and the
    names of the objective and latency metrics."""
    fin = pd.read_csv(os.path.join(folder, "finalists.csv"))
    par = pd.read_csv(os.path.join(folder, "pareto.csv"))
    obj, lat = par.columns[3], par.columns[4]  # "<metric>_mean"
    # finalists.csv: the objective's pair is the first after "stage", the
    # latency metric's the last before "why" (a name may repeat: pandas
    # then appends ".1", so they are taken by position)
    cols = list(fin.columns)
    fin = fin.assign(obj_mean=fin[cols[7]], obj_half=fin[cols[8]],
                     lat_mean=fin[cols[-3]], lat_half=fin[cols[-2]])
    fin = fin[fin["replications"] > 0]
    return fin, par, obj[:-len("_mean")], lat[:-len("_mean")]


def label(r):
    values = "" if pd.isna(r["values"]) else "; ".join(
        v.rsplit(".", 1)[-1] for v in str(r["values"]).split("; "))
    return "%d %s%s" % (r["candidate"], r["alternative"],
                        " " + values if values else "")


def draw_pareto(fin, par, obj, lat):
    groups = list(fin.groupby("alternative", sort=False))
    fig, ax = plt.subplots(figsize=(8 if len(groups) <= 10 else 10, 5))
    for (name, g), st in zip(groups, styles(len(groups))):
        ax.errorbar(g["lat_mean"], g["obj_mean"], xerr=g["lat_half"],
                    yerr=g["obj_half"], fmt=st["marker"], color=st["color"],
                    capsize=3, label=name)
    front = par.sort_values(par.columns[4])
    ax.step(front[par.columns[4]], front[par.columns[3]], where="post",
            color="k", lw=1, alpha=0.6, label="Pareto front")
    chosen = fin[fin["status"] == "chosen"]
    if len(chosen):
        ax.plot(chosen["lat_mean"], chosen["obj_mean"], "*", ms=16, mfc="none",
                mec="k", label="recommended")
    bound = par.columns[6] if len(par.columns) > 6 else None
    n_extra = 1 + (len(chosen) > 0)
    if bound is not None and par[bound].notna().any():
        b = float(par[bound].dropna().iloc[0])
        ax.axvline(b, color="r", lw=1, ls="--", label="%s <= %g" % (lat, b))
        n_extra += 1
    ax.set_xscale("log")
    ax.set_xlabel(lat + " (mean over replications)")
    ax.set_ylabel(obj + " (mean, interval at the stated confidence)")
    legend(ax, len(groups) + n_extra, loc="best")
    ax.grid(True, which="both", alpha=0.3)
    return fig


def draw_finalists(fin, obj):
    order = {"chosen": 0, "within-indifference": 1, "indistinguishable": 1,
             "worse": 2, "infeasible": 3, "skipped": 4}
    fin = fin.assign(rank=fin["status"].map(order)).sort_values(
        ["rank", "obj_mean"]).head(MAX_ROWS)
    fig, ax = plt.subplots(figsize=(11, 1.2 + 0.32 * len(fin)))
    ys = list(range(len(fin)))[::-1]
    seen = set()
    for y, (_, r) in zip(ys, fin.iterrows()):
        st = r["status"]
        ax.errorbar(r["obj_mean"], y, xerr=r["obj_half"], fmt="o", capsize=3,
                    color=STATUS_COLOURS.get(st, "k"),
                    label=st if st not in seen else None)
        seen.add(st)
        ax.annotate(str(r["why"]), (r["obj_mean"], y), xytext=(8, -3),
                    textcoords="offset points", fontsize=6)
    ax.set_yticks(ys)
    ax.set_yticklabels([label(r) for _, r in fin.iterrows()], fontsize=7)
    ax.set_xlabel(obj + " (mean and interval)")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.grid(True, axis="x", alpha=0.3)
    ax.margins(x=0.45)  # room for the reasons on the right
    return fig


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("folder", help="a `simsrv optimize` output folder")
    ap.add_argument("--out", help="prefix of the PNGs (default DIR/optimize): "
                                  "PREFIX-pareto.png, PREFIX-finalists.png")
    a = ap.parse_args()
    fin, par, obj, lat = read(a.folder)
    prefix = a.out or os.path.join(a.folder, "optimize")
    save(draw_pareto(fin, par, obj, lat), prefix + "-pareto.png")
    save(draw_finalists(fin, obj), prefix + "-finalists.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
