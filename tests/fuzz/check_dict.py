#!/usr/bin/env python3
"""Checks that a libFuzzer dictionary lists every key and named value the
config loaders accept.

The keys are the string lists of the loaders' C files: every
`static const char *const NAME[] = {"a", "b", ..., NULL};` (key lists such
as top_keys and wl_trace, and value lists such as platform_names).  Each
string s must appear in the dictionary as the JSON token "s" (a dictionary
line `"\\"s\\""`, optionally named).  Exit 0, or 1 naming what is missing.
With --print, prints the dictionary lines of every string instead.

usage: check_dict.py [--print] DICT FILE.c..."""
import re
import sys

LIST = re.compile(r'static\s+const\s+char\s*\*\s*const\s+(\w+)\s*\[\]\s*=\s*\{(.*?)\}\s*;',
                  re.S)
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
ENTRY = re.compile(r'^\s*(?:\w+\s*=\s*)?"((?:[^"\\]|\\.)*)"\s*$')


def strings_of(path):
    out = {}
    with open(path) as f:
        text = f.read()
    for name, body in LIST.findall(text):
        for s in STRING.findall(body):
            out.setdefault(s, "%s %s" % (path, name))
    return out


def dict_tokens(path):
    toks = set()
    with open(path) as f:
        for line in f:
            if line.lstrip().startswith("#") or not line.strip():
                continue
            m = ENTRY.match(line)
            if m:
                toks.add(m.group(1).replace('\\"', '"').replace("\\\\", "\\"))
    return toks


def main(argv):
    printing = argv[1:2] == ["--print"]
    args = argv[2:] if printing else argv[1:]
    if len(args) < 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    want = {}
    for path in args[1:]:
        want.update({k: v for k, v in strings_of(path).items() if k not in want})
    if printing:
        for s in sorted(want):
            print('"\\"%s\\""' % s)
        return 0
    have = dict_tokens(args[0])
    missing = sorted(s for s in want if '"%s"' % s not in have)
    for s in missing:
        print("%s: missing \"\\\"%s\\\"\" (from %s)" % (args[0], s, want[s]))
    if missing:
        return 1
    print("%s: lists all %d keys and names of %s" % (args[0], len(want),
                                                      ", ".join(args[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
