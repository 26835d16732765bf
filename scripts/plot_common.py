"""Shared bits of the simsrv plotting scripts (pandas + matplotlib from
Debian: apt-get install python3-pandas python3-matplotlib).

Styles: each alternative gets a (colour, line style, marker) of its own.
Up to 10 alternatives take the 10 colours of matplotlib's tab10 with solid
lines and round markers; beyond that the colours repeat, but every further
group of 10 gets another line style and another marker, so 40 alternatives
stay apart in line plots (colour x line style) and 100 in scatter plots
(colour x marker).  Colour-only plots (the heat-map) use tab20 up to 20
alternatives and evenly spaced colours of a continuous map beyond."""
import argparse
import os

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402

TAB10 = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab10"].colors]
LINESTYLES = ["-", "--", ":", "-."]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*", "h", "<"]


def parser(doc):
    """An argument parser whose --help shows the script's docstring: its
    first paragraph is the description, the rest (examples) the epilog,
    both with their line breaks kept."""
    head, _, rest = doc.strip().partition("\n\n")
    return argparse.ArgumentParser(
        description=head, epilog=rest or None,
        formatter_class=argparse.RawDescriptionHelpFormatter)


def styles(n):
    """n dicts of matplotlib keywords (color, linestyle, marker), one per
    alternative, distinct as the module docstring says."""
    return [{"color": TAB10[i % 10],
             "linestyle": LINESTYLES[(i // 10) % len(LINESTYLES)],
             "marker": MARKERS[(i // 10) % len(MARKERS)]} for i in range(n)]


def colours(n):
    """n distinct colours for colour-only plots."""
    if n <= 10:
        return TAB10[:max(n, 1)]
    if n <= 20:
        return [matplotlib.colors.to_hex(c)
                for c in matplotlib.colormaps["tab20"].colors[:n]]
    cmap = matplotlib.colormaps["turbo"]
    return [matplotlib.colors.to_hex(cmap(i / (n - 1))) for i in range(n)]


def legend(ax, n, **kw):
    """The legend inside the axes for a few entries, beside them (in as
    many columns as needed) for more than 10."""
    if n <= 10:
        return ax.legend(fontsize=7, **kw)
    return ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                     ncol=1 + (n - 1) // 25, borderaxespad=0)


def out_path(args_out, source, suffix):
    """The PNG to write: --out, else next to the input file."""
    if args_out:
        return args_out
    base = os.path.splitext(source)[0]
    return base + "-" + suffix + ".png"


def save(fig, path):
    fig.tight_layout()
    tmp = path + ".tmp.png"
    fig.savefig(tmp, dpi=120)
    plt.close(fig)
    os.replace(tmp, path)  # never leave a half-written PNG behind
    print(path)
