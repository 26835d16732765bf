#!/usr/bin/python3
"""Cost against p99 latency for every alternative, with the Pareto front
(no other alternative is both cheaper and faster) drawn through it, each
point labelled with its alternative, and the SLO as a vertical line
(--slo, else the slo_ms of the summary.json beside the CSV).

examples: scripts/plot_pareto.py results/spiky/summary.csv
          scripts/plot_pareto.py results/NAME/points.csv --slo 200
          (a sweep's points.csv: one dot per point and alternative; with
          more than 30 dots only those on the front are labelled)"""
import json
import os
import sys

import pandas as pd

from plot_common import legend, out_path, parser, plt, save, styles

MAX_LABELS = 30


def pareto_front(df, lat):
    """(latency, cost, row index) of the points no other point beats on both."""
    front, best = [], float("inf")
    for i, r in df.sort_values([lat, "cost_usd"]).iterrows():
        if r["cost_usd"] < best:
            front.append((r[lat], r["cost_usd"], i))
            best = r["cost_usd"]
    return front


def slo_beside(csv):
    """slo_ms of the summary.json in the CSV's folder, or None."""
    path = os.path.join(os.path.dirname(os.path.abspath(csv)), "summary.json")
    try:
        with open(path) as fp:
            return json.load(fp).get("slo_ms")
    except (OSError, ValueError):
        return None


def labels(df, lat, on_front):
    """{(latency, cost): text}: the points to label (all, or those on the
    front when there are more than MAX_LABELS); points within 5% of each
    other on both axes share one label, "name (points 1, 3)" for a sweep,
    so that names do not overprint."""
    near = {}
    for i, r in df.iterrows():
        if len(df) > MAX_LABELS and i not in on_front:
            continue
        x, y = r[lat], r["cost_usd"]
        key = next((k for k in near if abs(k[0] - x) <= 0.05 * max(k[0], x) and
                    abs(k[1] - y) <= 0.05 * max(k[1], y)), (x, y))
        pts = near.setdefault(key, {}).setdefault(str(r["alternative"]), [])
        if "point" in r.index:
            pts.append(str(int(r["point"])))
    return {k: ", ".join("%s (point%s %s)" % (n, "s" if len(p) > 1 else "", ", ".join(p))
                         if p else n for n, p in alts.items())
            for k, alts in near.items()}


def draw(df, lat="p99_ms", slo=None):
    """The figure for one summary.csv or points.csv (a DataFrame)."""
    groups = list(df.groupby("alternative", sort=False))
    fig, ax = plt.subplots(figsize=(8 if len(groups) <= 10 else 10, 5))
    for (name, g), st in zip(groups, styles(len(groups))):
        ax.errorbar(g[lat], g["cost_usd"], xerr=g.get(lat + "_ci95"),
                    yerr=g.get("cost_usd_ci95"), fmt=st["marker"], color=st["color"],
                    capsize=3, label=name)
    front = pareto_front(df, lat)
    if front:
        xs, ys, _ = zip(*front)
        ax.step(xs, ys, where="post", color="k", lw=1, alpha=0.6, label="Pareto front")
    on_front = {i for _, _, i in front}
    marks = sorted(labels(df, lat, on_front).items())
    for k, ((x, y), text) in enumerate(marks):  # above and below in turn
        ax.annotate(text, (x, y), xytext=(4, 4 if k % 2 == 0 else -11),
                    textcoords="offset points", fontsize=6)
    if slo:
        ax.axvline(slo, color="r", lw=1, ls="--", label="SLO %g ms" % slo)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(lat.replace("_ms", "") + " latency (ms)")
    ax.set_ylabel("cost (USD, over the horizon)")
    legend(ax, len(groups) + 1 + bool(slo), loc="best")
    ax.grid(True, which="both", alpha=0.3)
    return fig


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("csv", help="a run's summary.csv or a sweep's points.csv")
    ap.add_argument("--out", help="PNG to write (default: beside the input, *-pareto.png)")
    ap.add_argument("--latency", default="p99_ms", help="latency column (default p99_ms)")
    ap.add_argument("--slo", type=float,
                    help="SLO in ms for the vertical line (default: slo_ms of the "
                         "summary.json beside the CSV; none without one)")
    a = ap.parse_args()
    df = pd.read_csv(a.csv)
    slo = a.slo if a.slo is not None else slo_beside(a.csv)
    save(draw(df, a.latency, slo), out_path(a.out, a.csv, "pareto"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
