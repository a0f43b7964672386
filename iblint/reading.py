"""A file's bytes from disk, and its text from the bytes, whatever the file turns out to be.

Only regular files are read. A FIFO, a socket or a device (``/dev/zero`` behind a committed
symlink) is an input problem, found without reading it and without waiting on it: the path is
looked at before it is opened (opening a device can have effects of its own), and the open
descriptor is looked at again before a byte is read, so a file swapped for a FIFO in between is
still caught (the descriptor is opened non-blocking, so opening a FIFO cannot hang either).

Memory is bounded by the size limit: a file is read up to one byte past the limit, and a file
whose size is already over it is not read at all beyond its first :data:`SNIFF_BYTES`, which
decide whether it is worth a word (an oversized file that does not mention Image Builder there
is skipped quietly, like every other file that is not ours).

Nothing here knows a file format; the one piece of Image Builder knowledge is
:func:`mentions_image_builder`, the marker check that decides whether a file we cannot read
is worth reporting.
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from collections.abc import Callable

from iblint import problems
from iblint.model import InputProblem, Span

#: Lower-cased structural markers whose presence makes a file we cannot read or parse worth
#: reporting: a CloudFormation type, a Terraform resource type, an Image Builder ARN, or an API
#: member name. The bare word "imagebuilder" is not one: Helm values and comments use it freely.
MARKERS = (
    "aws::imagebuilder::",
    "aws_imagebuilder_",
    ":imagebuilder:",
    "parentimage",
    "instancemetadataoptions",
    "instanceprofilename",
    "componentarn",
)
_BYTE_MARKERS = tuple(marker.encode("ascii") for marker in MARKERS)
#: How much of an oversized file is read to decide whether to report it. 64 KiB holds the
#: ``Resources:`` section's first resource types, or a Terraform file's first resource blocks,
#: in any real definition; a file that says nothing about Image Builder by then is skipped.
SNIFF_BYTES = 64 * 1024
#: A NUL byte this early means binary (or UTF-16/32 without a byte order mark).
BINARY_SNIFF_BYTES = 8 * 1024
_READ_CHUNK = 1024 * 1024

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opened for reading would wait for a writer
    | getattr(os, "O_NOCTTY", 0)  # a terminal must not become our controlling terminal
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)

#: Byte order marks, longest first where one is a prefix of another (UTF-32-LE's starts with
#: UTF-16-LE's), with the codec that reads what follows and the name a message shows.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32-LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32-BE"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16-LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16-BE"),
)
_LINE_BREAK = re.compile(r"\r\n?|\n")


def read_file(
    path: str | os.PathLike[str],
    max_bytes: int,
    *,
    follow_symlinks: bool = True,
    always_report: bool = False,
    larger: tuple[int, Callable[[bytes], bool]] | None = None,
) -> bytes | InputProblem | None:
    """The bytes of the regular file at ``path``, or why they were not read.

    Returns the file's bytes (at most ``max_bytes``); an IB006 problem when it is not a regular
    file or cannot be opened or read (with the operating system's reason); an IB003 problem when
    it is over ``max_bytes`` and its first :data:`SNIFF_BYTES` mention Image Builder; ``None``
    when it is over the limit and does not (skip it quietly). ``always_report`` reports an
    oversized file whatever it holds (a ``--catalog`` file must be a catalog). With
    ``follow_symlinks`` false, a symbolic link is a problem and is not followed (the check and
    the open both refuse it). ``larger`` is ``(limit, test)``: a file over ``max_bytes`` whose
    first :data:`SNIFF_BYTES` pass ``test`` is read up to that larger ``limit`` instead (a
    Terraform plan). Never raises ``OSError``.
    """
    try:
        # Looked at first so that a device or FIFO is never opened at all in the ordinary case.
        mode = os.stat(path, follow_symlinks=follow_symlinks).st_mode
    except OSError as error:
        return _os_problem(error, follow_symlinks)
    if not stat.S_ISREG(mode):
        return problems.not_regular(mode)
    try:
        descriptor = os.open(path, _OPEN_FLAGS | (0 if follow_symlinks else _O_NOFOLLOW))
    except OSError as error:
        return _os_problem(error, follow_symlinks)
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):  # swapped since we looked
            return problems.not_regular(info.st_mode)
        option = "max_bytes"
        if info.st_size > max_bytes:
            head = _read_at_most(descriptor, SNIFF_BYTES)
            admitted = over_limit(info.st_size, head, max_bytes, larger, always_report)
            if not isinstance(admitted, int):
                return admitted
            max_bytes, option = admitted, "max_plan_bytes"
            os.lseek(descriptor, 0, os.SEEK_SET)
        data = _read_at_most(descriptor, max_bytes + 1, first=info.st_size + 1)
        if len(data) > max_bytes:  # it grew since fstat, or its size is not what fstat says
            return _oversized(data[:SNIFF_BYTES], len(data), max_bytes, always_report, option)
        return data
    except OSError as error:
        return _os_problem(error, follow_symlinks)
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, limit: int, first: int = _READ_CHUNK) -> bytes:
    """Up to ``limit`` bytes; the first read asks for ``first`` (the size fstat gave, plus one,
    so that a small file costs a small buffer), later ones for a chunk at a time."""
    chunks = []
    remaining = limit
    size = max(1, first)
    while remaining > 0:
        chunk = os.read(descriptor, min(remaining, size))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
        size = _READ_CHUNK
    return b"".join(chunks)


def over_limit(
    size: int,
    head: bytes,
    max_bytes: int,
    larger: tuple[int, Callable[[bytes], bool]] | None = None,
    always_report: bool = False,
) -> int | InputProblem | None:
    """For a file of ``size`` bytes, over ``max_bytes``, whose first :data:`SNIFF_BYTES` are
    ``head``: the larger limit (IB003's ``max_plan_bytes``) when ``larger`` (as in
    :func:`read_file`) admits the file; else its IB003 problem, or ``None`` to skip it quietly."""
    if larger is None or not larger[1](head):
        return _oversized(head, size, max_bytes, always_report)
    if size > larger[0]:
        return _oversized(head, size, larger[0], always_report, "max_plan_bytes")
    return larger[0]


def _oversized(
    head: bytes, size: int, max_bytes: int, always_report: bool, option: str = "max_bytes"
) -> InputProblem | None:
    if always_report or mentions_image_builder(head):
        return problems.too_large(size, max_bytes, option)
    return None


def _os_problem(error: OSError, followed: bool) -> InputProblem:
    if error.errno == errno.ELOOP and not followed:
        # O_NOFOLLOW's answer for a link: the file is a link, not a loop.
        return problems.not_regular(stat.S_IFLNK)
    return problems.cannot_read(error)


def decode(data: bytes) -> str | InputProblem | None:
    """The text of a file's bytes, an IB006 problem, or ``None`` to skip the file quietly.

    UTF-8 is read with or without its byte order mark, UTF-16 and UTF-32 with theirs (the mark
    is not part of the text). Bytes with a NUL early on are binary and skipped, unless they are
    UTF-16 or UTF-32 without a byte order mark that mentions Image Builder once decoded: that
    is a problem (which byte order a BOM-less file has is a guess iblint does not make).
    Text that cannot be decoded is a problem at the line and column (in code points) of its
    first bad byte when it mentions Image Builder, and skipped otherwise. Never raises; the
    text returned never holds a lone surrogate (strict decoders reject them).
    """
    for bom, codec, name in _BOMS[1:]:
        if data.startswith(bom) and (codec != "utf-32-le" or len(data) % 4 == 0):
            return _strict(data, len(bom), codec, name)
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        wide = _bomless_wide_encoding(data[:BINARY_SNIFF_BYTES])
        if wide is not None and mentions_image_builder(_wide_text(data, wide)):
            return problems.unreadable(
                f"the file is {wide.upper()} without a byte order mark; it was not checked",
                "save the file as UTF-8",
            )
        return None  # binary: skipped without a word
    return _strict(data, len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0)


def _strict(
    data: bytes, start: int, codec: str = "utf-8", name: str = "UTF-8"
) -> str | InputProblem | None:
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as error:
        if not mentions_image_builder(data[start:].decode(codec, "replace")):
            return None
        offset = start + error.start
        before = data[start:offset].decode(codec, "replace")
        line = 1 + len(_LINE_BREAK.findall(before))
        last_break = max(before.rfind("\n"), before.rfind("\r"))
        column = len(before) - last_break
        return problems.unreadable(
            f"the file is not valid {name} (byte 0x{data[offset : offset + 1].hex()} at offset "
            f"{offset})",
            "save the file as UTF-8",
            Span(line, column, line, column + 1),
        )


def _bomless_wide_encoding(head: bytes) -> str | None:
    """``utf-16-le`` … ``utf-32-be`` when ``head``'s NUL bytes fall where that encoding puts
    them for mostly-ASCII text (three bytes in four; every other byte), else ``None``.

    A guess that only decides which decoding to search for markers: a problem is reported
    only when the decoded text mentions Image Builder, so binary that happens to fit the
    pattern costs one decoding and stays quiet."""
    whole = len(head) - len(head) % 4
    if whole:
        quads = head[:whole]
        if not any(quads[3::4]) and max(quads[2::4]) <= 0x10 and any(quads[0::4]):
            return "utf-32-le"
        if not any(quads[0::4]) and max(quads[1::4]) <= 0x10 and any(quads[3::4]):
            return "utf-32-be"
    units = len(head) // 2
    if units:
        even_zeros = head[0 : units * 2 : 2].count(0)
        odd_zeros = head[1 : units * 2 : 2].count(0)
        if odd_zeros * 2 >= units and odd_zeros > even_zeros:
            return "utf-16-le"
        if even_zeros * 2 >= units and even_zeros > odd_zeros:
            return "utf-16-be"
    return None


def _wide_text(data: bytes, codec: str) -> str:
    return data.decode(codec, "replace")


def mentions_image_builder(data: bytes | str) -> bool:
    """Whether ``data`` names Image Builder structurally (see :data:`MARKERS`).

    Bytes are searched as they are (UTF-8 and every ASCII-compatible encoding), and also as
    UTF-16 or UTF-32 text when they start with that encoding's byte order mark or have its NUL
    pattern, so an oversized UTF-16 file's first bytes can still say it is ours."""
    if isinstance(data, str):
        lowered_text = data.lower()
        return any(marker in lowered_text for marker in MARKERS)
    lowered = data.lower()
    if any(marker in lowered for marker in _BYTE_MARKERS):
        return True
    for bom, codec, _ in _BOMS[1:]:
        if data.startswith(bom):
            return mentions_image_builder(_wide_text(data[len(bom) :], codec))
    if b"\x00" not in data[:BINARY_SNIFF_BYTES]:
        return False
    wide = _bomless_wide_encoding(data[:BINARY_SNIFF_BYTES])
    return wide is not None and mentions_image_builder(_wide_text(data, wide))


def read_text(
    path: str | os.PathLike[str],
    max_bytes: int,
    *,
    follow_symlinks: bool = True,
    always_report: bool = False,
) -> str | InputProblem | None:
    """:func:`read_file` then :func:`decode`: the file's text, its problem, or ``None``."""
    data = read_file(path, max_bytes, follow_symlinks=follow_symlinks, always_report=always_report)
    if not isinstance(data, bytes):
        return data
    return decode(data)
