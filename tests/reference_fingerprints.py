"""GitHub's line hash as iblint 0.1.0 computed it (commit a6ed80c), kept as the reference the fast
:func:`iblint.fingerprints.line_hashes` is compared against (tests/test_fingerprints_fast.py).
Do not change it: it is the specification."""

from __future__ import annotations

import sys
from array import array

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
