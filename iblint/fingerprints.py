"""GitHub's ``primaryLocationLineHash``: a port of github/codeql-action ``src/fingerprints.ts``.

A rolling hash over the first 100 non-space, non-tab UTF-16 code units from the start of each
line, line endings normalised to ``\\n``; the value is ``hex:occurrence``. Emitting the same
value the upload action computes keeps alerts stable across uploads made without it.

The action hashes code unit by code unit; here the same values come from whole-text
operations (``tests/reference_fingerprints.py`` is the unit-by-unit port they are tested
against). The hash of the 100 units from position ``p`` is ``sum(u[p + k] * 37 ** (99 - k))``
modulo 2**64. Since 37 is odd it has an inverse modulo 2**64, so with ``w[j] = u[j] * 37 **
-(j + 1)`` that is ``37 ** (p + 100) * (W[p + 100] - W[p])``, where ``W`` is the running sum
of ``w``: a multiplication and a running sum, which ``map`` and ``itertools.accumulate`` do
in C, then one multiplication per line.
"""

from __future__ import annotations

import functools
import itertools
import operator
import os
import sys
from array import array
from collections.abc import Collection

from iblint.reading import read_file
from iblint.syntax.limits import MAX_FILE_BYTES

_BLOCK = 100
_MOD = 37
_BITS = 1 << 64
_MASK = _BITS - 1
#: Units summed at a time: the running sums and the tables of powers stay this long.
_STRETCH = 4096
#: What the action does not hash (spaces and tabs), and what it reads as a line break.
_SKIPPED = str.maketrans("", "", " \t")
_END = 65535  # the action hashes this after the last unit


@functools.cache
def _powers() -> tuple[list[int], list[int]]:
    """``37 ** -(j + 1)`` and ``37 ** i`` modulo 2**64, for a stretch and a window."""
    inverse = pow(_MOD, -1, _BITS)
    size = _STRETCH + _BLOCK + 1
    inverses = list(
        itertools.accumulate(itertools.repeat(inverse, size - 1), _times, initial=inverse)
    )
    powers = list(itertools.accumulate(itertools.repeat(_MOD, size - 1), _times, initial=1))
    return inverses, powers


def _times(left: int, right: int) -> int:
    return (left * right) & _MASK


def line_hashes(data: bytes, lines: Collection[int] | None = None) -> dict[int, str]:
    """Line number (1-based) to fingerprint for every line of ``data``, or for ``lines`` only
    (each line's value counts the equal values of the lines before it: those are hashed too,
    the lines after the last one asked for are not)."""
    text = data.decode("utf-8", errors="replace")
    # A CR, or a CR LF, is one LF; a CR then a space then an LF is two, as in the action.
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SKIPPED)
    units = array("H")
    units.frombytes(text.encode("utf-16-le"))
    if sys.byteorder != "little":
        units.byteswap()
    wanted = max(lines, default=0) if lines is not None else len(units) + 2
    # A line starts at the first unit and after each LF (the end marker included).
    starts = [0]
    if len(units) == len(text):  # no character outside the BMP: a unit per character
        find = text.find
        found = find("\n")
        while found >= 0 and len(starts) < wanted:
            found += 1
            starts.append(found)
            found = find("\n", found)
    else:
        for index, unit in enumerate(units):
            if len(starts) >= wanted:
                break
            if unit == 10:
                starts.append(index + 1)
    units.append(_END)
    units.extend(array("H", bytes(2 * _BLOCK)))  # the action's 100 zeros after the end
    inverses, powers = _powers()
    counts: dict[int, int] = {}
    hashes: dict[int, str] = {}
    starts = starts[:wanted]
    if not starts:
        return {}
    end = starts[-1] + 1  # no unit past the last window is needed
    stretch = -1
    running: list[int] = []
    for line, start in enumerate(starts, 1):
        offset = start % _STRETCH
        if start - offset != stretch:
            stretch = start - offset
            window = units[stretch : min(stretch + _STRETCH, end) + _BLOCK]
            running = list(itertools.accumulate(map(operator.mul, window, inverses), initial=0))
        value = ((running[offset + _BLOCK] - running[offset]) * powers[offset + _BLOCK]) & _MASK
        count = counts[value] = counts.get(value, 0) + 1
        if lines is None or line in lines:
            hashes[line] = f"{value:x}:{count}"
    return hashes


def file_line_hashes(
    path: str | os.PathLike[str],
    max_bytes: int = MAX_FILE_BYTES,
    lines: Collection[int] | None = None,
) -> dict[int, str]:
    """:func:`line_hashes` of the file at ``path`` (of ``lines`` only, if given), or nothing
    (``{}``) unless it is a regular file of at most ``max_bytes`` bytes (the IB003 limit), read
    as the checks read it (:func:`iblint.reading.read_file`): a FIFO, a device or a symlink is
    not opened for reading (a symlink may be one iblint reported rather than followed), and no
    more than ``max_bytes + 1`` bytes are read, whatever the file claims its size is."""
    try:
        data = read_file(path, max_bytes, follow_symlinks=False)
    except ValueError:  # a NUL in the name
        return {}
    return line_hashes(data, lines) if isinstance(data, bytes) else {}
