"""Shared bits of the simsrv plotting scripts (pandas + matplotlib from
Debian: apt-get install python3-pandas python3-matplotlib)."""
import os

import matplotlib

matplotlib.use("Agg")  # files only; no display needed
import matplotlib.pyplot as plt  # noqa: E402


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
