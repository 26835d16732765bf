#!/usr/bin/env python3
"""scripts/soname.py PACKAGE - the soname of a pkg-config package's library.

Finds the library the package's `pkg-config --libs` links (its first -l,
in its -L folders, else where the C compiler looks: `cc
-print-file-name`) and prints the DT_SONAME entry of its dynamic section
(the name dlopen should ask for: the one a link against it records), read
from the ELF file itself, 32- or 64-bit, either byte order.  The build uses
it for HDF5, which simsrv loads when it first writes an HDF5 file
(src/output/h5dl.h).  Exits 1 with a one-line reason when the file is not
there or has no soname.
"""

import os
import struct
import subprocess
import sys


def soname(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    wide = data[4] == 2
    order = "<" if data[5] == 1 else ">"
    if wide:
        phoff, = struct.unpack_from(order + "Q", data, 0x20)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x36)
    else:
        phoff, = struct.unpack_from(order + "I", data, 0x1C)
        phentsize, phnum = struct.unpack_from(order + "HH", data, 0x2A)
    loads, dynamic = [], None
    for i in range(phnum):
        at = phoff + i * phentsize
        if wide:
            ptype, _, off, vaddr, _, filesz, _, _ = struct.unpack_from(
                order + "IIQQQQQQ", data, at)
        else:
            ptype, off, vaddr, _, filesz, _, _, _ = struct.unpack_from(
                order + "IIIIIIII", data, at)
        if ptype == 1:  # PT_LOAD: maps addresses to file offsets
            loads.append((vaddr, off, filesz))
        elif ptype == 2:  # PT_DYNAMIC
            dynamic = (off, filesz)
    if dynamic is None:
        raise ValueError("no dynamic section")
    entry = "qQ" if wide else "iI"
    size = struct.calcsize(order + entry)
    strtab, name_at = None, None
    for at in range(dynamic[0], dynamic[0] + dynamic[1], size):
        tag, val = struct.unpack_from(order + entry, data, at)
        if tag == 0:  # DT_NULL
            break
        if tag == 5:  # DT_STRTAB (an address)
            strtab = val
        elif tag == 14:  # DT_SONAME (an offset into the string table)
            name_at = val
    if strtab is None or name_at is None:
        raise ValueError("no soname")
    for vaddr, off, filesz in loads:
        if vaddr <= strtab < vaddr + filesz:
            start = off + (strtab - vaddr) + name_at
            return data[start:data.index(b"\0", start)].decode()
    raise ValueError("string table outside the loaded segments")


def library_of(package):
    """The file of the package's first -l library."""
    flags = subprocess.run(["pkg-config", "--libs", package], check=True,
                           capture_output=True, text=True).stdout.split()
    dirs = [f[2:] for f in flags if f.startswith("-L")]
    names = [f[2:] for f in flags if f.startswith("-l")]
    if not names:
        raise ValueError("pkg-config --libs names no library")
    file = "lib%s.so" % names[0]
    for d in dirs:
        if os.path.exists(os.path.join(d, file)):
            return os.path.join(d, file)
    cc = os.environ.get("CC", "cc")
    found = subprocess.run([cc, "-print-file-name=" + file], check=True,
                           capture_output=True, text=True).stdout.strip()
    if not os.path.isabs(found):
        raise ValueError("%s not found" % file)
    return found


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: scripts/soname.py PACKAGE\n")
        return 2
    try:
        print(soname(os.path.realpath(library_of(sys.argv[1]))))
    except (OSError, ValueError, struct.error,
            subprocess.CalledProcessError) as e:
        sys.stderr.write("soname.py: %s: %s\n" % (sys.argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
