#!/usr/bin/env python3
"""Turn a text file into a C array (used at build time to compile the
pricing catalog into simsrv, so the binary does not depend on where it was
built).  Usage: embed_json.py SYMBOL INPUT OUTPUT"""
import json
import sys


def main() -> int:
    symbol, src, dst = sys.argv[1:4]
    with open(src, "rb") as f:
        data = f.read()
    json.loads(data)  # fail the build on a malformed catalog
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(str(b) for b in data[i:i + 16]) + ",")
    with open(dst, "w") as f:
        f.write("/* Generated from %s by scripts/embed_json.py. */\n" % src.split("/")[-1])
        f.write("extern const char %s[];\n" % symbol)
        f.write("const char %s[] = {\n%s\n    0};\n" % (symbol, "\n".join(lines)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
