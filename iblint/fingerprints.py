"""GitHub's ``primaryLocationLineHash``: a port of github/codeql-action ``src/fingerprints.ts``.

A rolling hash over the first 100 non-space, non-tab UTF-16 code units from the start of each
line, line endings normalised to ``\\n``; the value is ``hex:occurrence``. Emitting the same
value the upload action computes keeps alerts stable across uploads made without it.
"""

from __future__ import annotations

import os
import stat
import sys
from array import array

from iblint.syntax.limits import MAX_FILE_BYTES

_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_CHUNK = 1 << 20


def line_hashes(data: bytes) -> dict[int, str]:
    """Line number (1-based) to fingerprint for every line of ``data``."""
    units = array("H")
    units.frombytes(data.decode("utf-8", errors="replace").encode("utf-16-le"))
    if sys.byteorder != "little":
        units.byteswap()
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    counts: dict[str, int] = {}
    hashes: dict[int, str] = {}
    rolling = 0
    index = 0
    line = 0
    at_line_start = True
    previous_cr = False

    def output() -> None:
        value = format(rolling & _MASK, "x")
        counts[value] = counts.get(value, 0) + 1
        hashes[line_numbers[index]] = f"{value}:{counts[value]}"
        line_numbers[index] = -1

    def update(unit: int) -> None:
        nonlocal rolling, index
        begin = window[index]
        window[index] = unit
        rolling = (_MOD * rolling + unit - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK

    def process(unit: int) -> None:
        nonlocal at_line_start, line, previous_cr
        if unit in (32, 9) or (previous_cr and unit == 10):
            previous_cr = False
            return
        if unit == 13:
            unit = 10
            previous_cr = True
        else:
            previous_cr = False
        if line_numbers[index] != -1:
            output()
        if at_line_start:
            at_line_start = False
            line += 1
            line_numbers[index] = line
        if unit == 10:
            at_line_start = True
        update(unit)

    for unit in units:
        process(unit)
    process(65535)
    for _ in range(_BLOCK):
        if line_numbers[index] != -1:
            output()
        update(0)
    return hashes


def file_line_hashes(
    path: str | os.PathLike[str], max_bytes: int = MAX_FILE_BYTES
) -> dict[int, str]:
    """:func:`line_hashes` of the file at ``path``, or nothing (``{}``) unless it is a regular
    file of at most ``max_bytes`` bytes (the IB003 limit): a FIFO, a device or a symlink is not
    opened for reading (a symlink may be one iblint reported rather than followed), and no more
    than ``max_bytes + 1`` bytes are read, whatever the file claims its size is."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except (OSError, ValueError):  # missing, a symlink, a NUL in the name
        return {}
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return {}
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(descriptor, min(remaining, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError:
        return {}
    finally:
        os.close(descriptor)
    if remaining <= 0:  # grew past the limit since it was measured
        return {}
    return line_hashes(b"".join(chunks))
