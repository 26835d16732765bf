#!/usr/bin/python3
"""Latency distribution of every alternative from a run's summary.json
(quantiles p = 0.001 .. 1, averaged over replications), in two panels:
the CDF, and its tail 1 - CDF on a log scale, where the 0.1-1% of
requests that start cold are visible; the SLO is a dotted vertical line.

example: scripts/plot_cdf.py results/spiky/summary.json --out cdf.png"""
import json
import sys

from plot_common import legend, out_path, parser, plt, save, styles


def draw(summary):
    """The figure for one summary.json (a dict)."""
    alts = summary["alternatives"]
    fig, (ax, tail) = plt.subplots(2, 1, figsize=(8, 7), sharex=True,
                                   gridspec_kw={"height_ratios": [1, 1.3]})
    for alt, st in zip(alts, styles(len(alts))):
        cdf = alt["latency_cdf"]
        pts = [(ms, p) for ms, p in zip(cdf["ms"], cdf["p"]) if ms is not None and ms > 0]
        if not pts:
            continue
        xs, ys = zip(*pts)
        ax.step(xs, ys, where="post", color=st["color"], ls=st["linestyle"],
                lw=1.2, label=alt["name"])
        tx = [x for x, p in pts if p < 1]
        ty = [1 - p for x, p in pts if p < 1]
        tail.step(tx, ty, where="post", color=st["color"], ls=st["linestyle"], lw=1.2)
    slo = summary.get("slo_ms")
    for a in (ax, tail):
        a.set_xscale("log")
        a.grid(True, which="both", alpha=0.3)
        if slo:
            a.axvline(slo, color="k", lw=0.8, ls=":")
    ax.set_ylabel("fraction of completed requests")
    ax.set_ylim(0, 1.01)
    ax.axhline(0.99, color="k", lw=0.5, ls=":")
    tail.set_yscale("log")
    tail.set_ylim(1e-4, 1)
    tail.set_ylabel("1 - CDF: fraction slower (log)")
    tail.set_xlabel("latency (ms)")
    if slo:
        tail.text(slo, 1.5e-4, " SLO %g ms" % slo, fontsize=7)
    legend(ax, len(alts), loc="lower right")
    ax.set_title("%s (SLO %g ms)" % (summary["scenario"], summary["slo_ms"]))
    return fig


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("json", help="a run's summary.json")
    ap.add_argument("--out", help="PNG to write (default: beside the input, *-cdf.png)")
    a = ap.parse_args()
    with open(a.json) as fp:
        summary = json.load(fp)
    save(draw(summary), out_path(a.out, a.json, "cdf"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
