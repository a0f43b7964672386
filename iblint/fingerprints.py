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
in C, then one multiplication per line. An ASCII file's bytes are its units, so it is hashed
without being decoded.

A line's value counts the lines before it with the same hash (not the same text: two windows
can hash alike, ``B!`` and ``AF`` do), so every line up to the last one asked for is hashed;
the lines after it are not. That cannot be made cheaper here, so a large run's files are
hashed in several processes (:func:`files_line_hashes`, :mod:`iblint.parallel`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import os
import sys
from array import array
from collections.abc import Callable, Collection, Iterable, Sequence

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
#: What the action hashes after the last unit: the end marker, then 100 zeros.
_TAIL = (_END,) + (0,) * _BLOCK
#: Up to this many lines wanted, each one's count is taken in C from the values before it.
_FEW = 8
#: What hashing a file costs besides its lines (opening, reading, setting up), in lines: a
#: file's cost is about this plus the line of its last finding (some 2 microseconds a line).
_FILE_COST = 16
#: The lines a process must hash for forking it to pay off: forking one and passing its values
#: back costs 1 to 4 milliseconds (measured on a 2-CPU machine), hashing this many about 10.
LINES_PER_PROCESS = 5000
#: The smallest portion handed to a process (in lines, as LINES_PER_PROCESS): a millisecond.
_LINES_PER_PIECE = 500
#: A file and the lines whose values are wanted.
_Wanted = tuple[str | os.PathLike[str], Collection[int]]


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
    if lines is None:
        wanted = -1
    else:
        wanted = max(lines, default=0)
        if wanted < 1:
            return {}
    units: bytes | array[int]
    if data.isascii():  # a unit per byte: the bytes are the units
        # A CR, or a CR LF, is one LF; a CR then a space then an LF is two, as in the action.
        units = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").translate(None, b" \t")
        lengths = map(len, units.split(b"\n", wanted - 1 if wanted > 0 else -1))
    else:
        text = data.decode("utf-8", errors="replace")
        text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_SKIPPED)
        units = array("H")
        units.frombytes(text.encode("utf-16-le"))
        if sys.byteorder != "little":
            units.byteswap()
        lines_text = text.split("\n", wanted - 1 if wanted > 0 else -1)
        if len(units) == len(text):  # no character outside the BMP: a unit per character
            lengths = map(len, lines_text)
        else:
            encoded = map(str.encode, lines_text, itertools.repeat("utf-16-le"))
            lengths = map(operator.floordiv, map(len, encoded), itertools.repeat(2))
    # A line starts at the first unit and after each LF (the end marker included); the text
    # split at its first ``wanted - 1`` LFs has a part for each line wanted.
    starts = list(itertools.accumulate(map(operator.add, lengths, itertools.repeat(1)), initial=0))
    del starts[-1]
    values = _window_values(units, starts)
    hashes: dict[int, str] = {}
    if lines is None or len(lines) > _FEW:
        counts: dict[int, int] = {}
        for line, value in enumerate(values, 1):
            count = counts[value] = counts.get(value, 0) + 1
            if lines is None or line in lines:
                hashes[line] = f"{value:x}:{count}"
    else:  # count in C, for the few lines wanted
        for line in sorted(lines):
            if 1 <= line <= len(values):
                value = values[line - 1]
                count = operator.countOf(itertools.islice(values, line), value)
                hashes[line] = f"{value:x}:{count}"
    return hashes


def _window_values(units: bytes | array[int], starts: list[int]) -> list[int]:
    """The hash of the :data:`_BLOCK` units from each of ``starts`` (the units followed by
    :data:`_TAIL`), in order: for each stretch of units holding a start, the running sum of
    ``w``, then two look-ups, a subtraction and a multiplication a start, all in ``map``."""
    inverses, powers = _powers()
    after = powers[_BLOCK:]
    values: list[int] = []
    size = len(units)
    end = starts[-1] + 1  # no unit past the last window is needed
    first = 0
    while first < len(starts):
        stretch = starts[first] - starts[first] % _STRETCH
        last = bisect.bisect_left(starts, stretch + _STRETCH, first)
        top = min(stretch + _STRETCH, end) + _BLOCK
        window: Iterable[int] = units[stretch:top]
        if top > size:
            window = itertools.chain(window, _TAIL[: top - size])
        running = list(itertools.accumulate(map(operator.mul, window, inverses), initial=0))
        offsets = starts[first:last]
        if stretch:
            offsets = [start - stretch for start in offsets]
        sums = map(
            operator.sub,
            map(running[_BLOCK:].__getitem__, offsets),
            map(running.__getitem__, offsets),
        )
        products = map(operator.mul, sums, map(after.__getitem__, offsets))
        values += map(operator.and_, products, itertools.repeat(_MASK))
        first = last
    return values


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


def files_line_hashes(
    files: Sequence[_Wanted],
    max_bytes: int = MAX_FILE_BYTES,
    jobs: int | None = 1,
    meanwhile: Callable[[], object] | None = None,
) -> list[dict[int, str]]:
    """:func:`file_line_hashes` of each ``(path, lines)`` of ``files``, in their order, worked
    out in several processes where that pays off (``jobs`` as ``--jobs``: ``None`` as many as
    pay off, see :data:`LINES_PER_PROCESS`; 1 this process only). Each process hashes a
    contiguous portion of the files, of about equal cost; the values are the same however many
    ran (a process that fails has its portion hashed here). ``meanwhile``, if given, runs in
    this process while the others hash, before it hashes its own portion."""
    from iblint.parallel import portions_in_turn

    sizes = [max(0, max(lines, default=0)) + _FILE_COST for _, lines in files]
    # Small portions, each taken by the first process free (this one once ``meanwhile`` is
    # done), so that none waits long for another.
    cut, processes = portions_in_turn(files, jobs, sizes, LINES_PER_PROCESS, _LINES_PER_PIECE)

    def work(part: Iterable[_Wanted]) -> list[dict[int, str]]:
        return [file_line_hashes(path, max_bytes, lines) for path, lines in part]

    if processes == 1:
        if meanwhile is not None:
            meanwhile()
        return work(files)
    from iblint.parallel import in_processes

    parts: list[Iterable[_Wanted]] = [*cut]
    _powers()  # worked out once, before the other processes start, rather than in each
    hashed = in_processes(parts, work, processes, meanwhile)
    return [hashes for portion in hashed for hashes in portion]
