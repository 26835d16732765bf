#!/usr/bin/env python3
"""Print cost per day against a swept parameter for every alternative of a
sweep's points.csv, and where the first alternative (serverless) stops
being cheaper than another (default: the second).

usage: scripts/crossover.py results/duty-cycle/points.csv [--against NAME]
       [--scale 3600]   (divide the parameter by this: seconds -> hours)
Only the Python standard library is used."""
import argparse
import csv
import sys


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("points")
    ap.add_argument("--against", default=None)
    ap.add_argument("--scale", type=float, default=3600.0)
    args = ap.parse_args()
    rows = list(csv.DictReader(open(args.points)))
    if not rows:
        print("no rows", file=sys.stderr)
        return 2
    fixed = {"point", "alternative", "replications"}
    param = [k for k in rows[0] if k not in fixed][0]  # the first swept path
    alts = list(dict.fromkeys(r["alternative"] for r in rows))
    base, other = alts[0], args.against or alts[1]
    table = {}
    for r in rows:
        table.setdefault(float(r[param]) / args.scale, {})[r["alternative"]] = float(r["cost_usd"])
    print("%-8s" % "x" + "".join("%28s" % a for a in alts))
    cross = None
    for x in sorted(table):
        print("%-8g" % x + "".join("%28.4f" % table[x][a] for a in alts))
        if cross is None and table[x][base] >= table[x][other]:
            cross = x
    if cross is None:
        print("%s is cheaper than %s everywhere" % (base, other))
    else:
        print("%s costs at least %s from x = %g (parameter %s / %g)" % (base, other, cross, param, args.scale))
    return 0


if __name__ == "__main__":
    sys.exit(main())
