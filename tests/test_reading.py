"""Bytes from disk and text from bytes: only regular files are read, never more than the limit,
never a hang; encodings that are not UTF-8 are either read or reported, never passed in silence."""

from __future__ import annotations

import codecs
import errno
import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iblint.model import InputProblem, Span
from iblint.problems import InputProblemKind
from iblint.reading import SNIFF_BYTES, decode, mentions_image_builder, read_file, read_text
from tests.special_files import MARKED, no_hang

LIMIT = 8 * 1024 * 1024
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.fixture(autouse=True)
def _never_hang() -> Iterator[None]:
    with no_hang(5):
        yield


@pytest.fixture
def opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths ``read_file`` opens."""
    opened: list[str] = []
    real_open = os.open

    def counting_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    return opened


@pytest.fixture
def bytes_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of each ``os.read`` result while reading."""
    sizes: list[int] = []
    real_read = os.read

    def counting_read(descriptor: int, size: int) -> bytes:
        chunk = real_read(descriptor, size)
        sizes.append(len(chunk))
        return chunk

    monkeypatch.setattr(os, "read", counting_read)
    return sizes


def problem(result: object) -> InputProblem:
    assert isinstance(result, InputProblem), result
    return result


# --- Only regular files are read -------------------------------------------------------------


def test_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_bytes(MARKED)
    assert read_file(tmp_path / "t.yaml", LIMIT) == MARKED
    assert read_file(tmp_path / "t.yaml", LIMIT, follow_symlinks=False) == MARKED


def test_a_fifo_is_reported_without_opening_it(tmp_path: Path, opens: list[str]) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    found = problem(read_file(tmp_path / "pipe.yaml", LIMIT))
    assert found.kind == InputProblemKind.UNREADABLE
    assert found.message == "not a regular file (a FIFO); it was not read"
    assert found.span == Span(1, 1, 1, 1)
    assert opens == []


def test_a_socket_is_reported(tmp_path: Path, opens: list[str]) -> None:
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(os.fspath(tmp_path / "s.yaml"))
        found = problem(read_file(tmp_path / "s.yaml", LIMIT))
    assert found.message == "not a regular file (a socket); it was not read"
    assert opens == []


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/stdin", "/dev/null"])
def test_a_link_to_a_device_is_followed_to_a_problem_not_a_read(
    tmp_path: Path, opens: list[str], device: str
) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    (tmp_path / "x.yaml").symlink_to(device)
    found = problem(read_file(tmp_path / "x.yaml", LIMIT))
    assert found.kind == InputProblemKind.UNREADABLE
    assert found.message.startswith("not a regular file (a ")
    assert opens == []


def test_a_directory_is_reported(tmp_path: Path) -> None:
    assert problem(read_file(tmp_path, LIMIT)).message == (
        "not a regular file (a directory); it was not read"
    )


def test_a_file_swapped_for_a_fifo_after_the_look_is_caught_on_the_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, opens: list[str]
) -> None:
    """The race: the path looked regular, then became a FIFO. Opened non-blocking, the FIFO
    does not wait for a writer, and fstat on the descriptor sees what was opened."""
    (tmp_path / "regular").write_bytes(b"x")
    os.mkfifo(tmp_path / "pipe.yaml")
    regular = os.stat(tmp_path / "regular")
    monkeypatch.setattr(os, "stat", lambda *args, **kwargs: regular)
    found = problem(read_file(tmp_path / "pipe.yaml", LIMIT))
    assert found.message == "not a regular file (a FIFO); it was not read"
    assert opens == [os.fspath(tmp_path / "pipe.yaml")]


def test_a_link_is_refused_when_links_are_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "target.yaml").write_bytes(MARKED)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "target.yaml")
    message = "not a regular file (a symbolic link, not followed); it was not read"
    assert problem(read_file(tmp_path / "link.yaml", LIMIT, follow_symlinks=False)).message == (
        message
    )
    assert read_file(tmp_path / "link.yaml", LIMIT) == MARKED
    # Swapped for a link after the look: O_NOFOLLOW refuses it at the open.
    regular = os.stat(tmp_path / "target.yaml")
    monkeypatch.setattr(os, "stat", lambda *args, **kwargs: regular)
    assert problem(read_file(tmp_path / "link.yaml", LIMIT, follow_symlinks=False)).message == (
        message
    )


def test_a_link_loop_and_a_missing_file_give_the_reason(tmp_path: Path) -> None:
    (tmp_path / "loop.yaml").symlink_to(tmp_path / "loop.yaml")
    assert problem(read_file(tmp_path / "loop.yaml", LIMIT)).message == (
        f"cannot read the file: {os.strerror(errno.ELOOP)}"
    )
    assert problem(read_file(tmp_path / "gone.yaml", LIMIT)).message == (
        f"cannot read the file: {os.strerror(errno.ENOENT)}"
    )


@pytest.mark.skipif(AS_ROOT, reason="root reads files whatever their mode")
def test_a_file_without_read_permission_is_reported(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_bytes(MARKED)
    (tmp_path / "t.yaml").chmod(0)
    found = problem(read_file(tmp_path / "t.yaml", LIMIT))
    assert found.message == "cannot read the file: Permission denied"
    assert found.fix == "check the path and its permissions"


def test_a_file_without_read_permission_is_reported_simulated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "t.yaml").write_bytes(MARKED)

    def denied(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    found = problem(read_file(tmp_path / "t.yaml", LIMIT))
    assert found.kind == InputProblemKind.UNREADABLE
    assert found.message == "cannot read the file: Permission denied"


def test_a_read_error_is_reported_and_the_descriptor_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "t.yaml").write_bytes(MARKED)
    closed: list[int] = []
    real_close = os.close

    def failing_read(descriptor: int, size: int) -> bytes:
        raise OSError(errno.EIO, "Input/output error")

    def counting_close(descriptor: int) -> None:
        closed.append(descriptor)
        real_close(descriptor)

    monkeypatch.setattr(os, "read", failing_read)
    monkeypatch.setattr(os, "close", counting_close)
    assert problem(read_file(tmp_path / "t.yaml", LIMIT)).message == (
        "cannot read the file: Input/output error"
    )
    assert len(closed) == 1


# --- Never more than the limit ---------------------------------------------------------------


def sparse(path: Path, size: int, head: bytes = b"", tail: bytes = b"") -> Path:
    with path.open("wb") as stream:
        stream.write(head)
        stream.truncate(size - len(tail))
        stream.seek(size - len(tail))
        stream.write(tail)
    return path


def test_an_oversized_file_is_reported_after_reading_only_its_head(
    tmp_path: Path, bytes_read: list[int]
) -> None:
    big = sparse(tmp_path / "big.yaml", 9 * 1024 * 1024, head=MARKED)
    found = problem(read_file(big, LIMIT))
    assert found.kind == InputProblemKind.TOO_LARGE
    assert found.message.startswith("the file is 9,437,184 bytes, over the 8,388,608-byte limit")
    assert sum(bytes_read) <= SNIFF_BYTES


def test_an_oversized_file_is_judged_by_its_head_alone(
    tmp_path: Path, bytes_read: list[int]
) -> None:
    """A marker past the first SNIFF_BYTES is never seen: the file is skipped quietly, which
    shows its tail was not read."""
    big = sparse(tmp_path / "big.yaml", 9 * 1024 * 1024, tail=MARKED)
    assert read_file(big, LIMIT) is None
    assert sum(bytes_read) <= SNIFF_BYTES
    # A catalog must be a catalog: reported whatever it holds.
    assert problem(read_file(big, LIMIT, always_report=True)).kind == InputProblemKind.TOO_LARGE


def test_the_limit_is_inclusive(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_bytes(MARKED)
    assert read_file(tmp_path / "t.yaml", len(MARKED)) == MARKED
    assert problem(read_file(tmp_path / "t.yaml", len(MARKED) - 1)).message.startswith(
        f"the file is {len(MARKED)} bytes, over the {len(MARKED) - 1}-byte limit"
    )


def test_a_file_larger_than_its_stat_says_is_read_only_one_byte_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bytes_read: list[int]
) -> None:
    """A file that grows after fstat (or a /proc-like file whose size says 0)."""
    big = sparse(tmp_path / "big.yaml", 2 * 1024 * 1024, head=MARKED)
    quiet = sparse(tmp_path / "quiet.yaml", 2 * 1024 * 1024, tail=MARKED)
    real_fstat = os.fstat

    def shrunk_fstat(descriptor: int) -> os.stat_result:
        info = real_fstat(descriptor)
        return os.stat_result((info.st_mode, *info[1:6], 0, *info[7:10]))

    monkeypatch.setattr(os, "fstat", shrunk_fstat)
    limit = 1024 * 1024
    assert problem(read_file(big, limit)).kind == InputProblemKind.TOO_LARGE
    assert sum(bytes_read) == limit + 1
    assert read_file(quiet, limit) is None


def test_an_oversized_utf16_file_is_still_recognised_by_its_head(tmp_path: Path) -> None:
    text = MARKED.decode() + "x: y\n" * 1000
    (tmp_path / "bom.yaml").write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    (tmp_path / "bare.yaml").write_bytes(text.encode("utf-16-be"))
    for name in ("bom.yaml", "bare.yaml"):
        assert problem(read_file(tmp_path / name, 1000)).kind == InputProblemKind.TOO_LARGE


def test_read_text_reads_and_decodes(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_bytes(codecs.BOM_UTF8 + MARKED)
    (tmp_path / "b.yaml").write_bytes(b"\x00\x01binary")
    os.mkfifo(tmp_path / "p.yaml")
    assert read_text(tmp_path / "t.yaml", LIMIT) == MARKED.decode()
    assert read_text(tmp_path / "b.yaml", LIMIT) is None
    assert problem(read_text(tmp_path / "p.yaml", LIMIT)).message.startswith(
        "not a regular file (a FIFO)"
    )


# --- Decoding --------------------------------------------------------------------------------

TEXT = "Resources:\n  R:\n    Type: AWS::ImageBuilder::ImageRecipe  # é ✓ 𝄞\n"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (b"", "utf-8"),
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_unicode_with_a_byte_order_mark_is_read_without_it(bom: bytes, codec: str) -> None:
    assert decode(bom + TEXT.encode(codec)) == TEXT


@pytest.mark.parametrize(
    ("codec", "name"),
    [
        ("utf-16-le", "UTF-16-LE"),
        ("utf-16-be", "UTF-16-BE"),
        ("utf-32-le", "UTF-32-LE"),
        ("utf-32-be", "UTF-32-BE"),
    ],
)
def test_wide_unicode_without_a_byte_order_mark_is_reported_when_it_is_ours(
    codec: str, name: str
) -> None:
    found = problem(decode(TEXT.encode(codec)))
    assert found.kind == InputProblemKind.UNREADABLE
    assert found.message == f"the file is {name} without a byte order mark; it was not checked"
    assert found.fix == "save the file as UTF-8"
    assert found.span == Span(1, 1, 1, 1)
    # Not ours: skipped quietly, as binary is.
    assert decode("name: build\nsteps: [a, b]\n".encode(codec)) is None


def test_binary_is_skipped_quietly_even_with_a_marker() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert decode(png) is None
    assert decode(png + b"AWS::ImageBuilder::ImageRecipe") is None
    integers = b"".join(n.to_bytes(4, "little") for n in range(1, 3000))
    assert decode(integers) is None


def test_invalid_utf8_is_reported_at_its_line_and_column_in_code_points() -> None:
    data = "Type: AWS::ImageBuilder::ImageRecipe\r\nName: é✓".encode() + b"\xff rest\n"
    found = problem(decode(data))
    assert found.message == "the file is not valid UTF-8 (byte 0xff at offset 49)"
    assert found.span == Span(2, 9, 2, 10)
    assert found.fix == "save the file as UTF-8"
    # The offset counts the byte order mark; the column does not.
    found = problem(decode(codecs.BOM_UTF8 + b"parentImage: \xc3("))
    assert found.message == "the file is not valid UTF-8 (byte 0xc3 at offset 16)"
    assert found.span == Span(1, 14, 1, 15)
    assert decode(b"name: caf\xe9\n") is None  # Latin-1, not ours: quiet


def test_invalid_utf16_after_a_byte_order_mark_is_reported_when_ours() -> None:
    lone_surrogate = "\ud800".encode("utf-16-le", "surrogatepass")
    data = codecs.BOM_UTF16_LE + "parentImage: x\n".encode("utf-16-le") + lone_surrogate
    found = problem(decode(data))
    assert found.message == "the file is not valid UTF-16-LE (byte 0x00 at offset 32)"
    assert found.span == Span(2, 1, 2, 2)
    assert decode(codecs.BOM_UTF16_LE + "name: x\n".encode("utf-16-le") + lone_surrogate) is None
    # An odd number of bytes: the last one is a truncated code unit.
    assert problem(decode(codecs.BOM_UTF16_BE + "parentImage".encode("utf-16-be") + b"\x00"))


@pytest.mark.parametrize(
    "data",
    [
        b"\xed\xa0\x80 parentImage",  # a surrogate encoded in UTF-8
        b"\xf4\x90\x80\x80 parentImage",  # past U+10FFFF
        codecs.BOM_UTF32_LE + b"\x00\xd8\x00\x00",
        codecs.BOM_UTF32_BE + b"\x00\x11\x00\x00",
        codecs.BOM_UTF16_LE + b"\x00",
        codecs.BOM_UTF32_LE,
        b"",
        b"\x00",
    ],
)
def test_nothing_decodes_to_a_lone_surrogate_or_raises(data: bytes) -> None:
    result = decode(data)
    if isinstance(result, str):
        result.encode("utf-8")  # strict: no lone surrogate


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=200),
        st.tuples(
            st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF32_BE]),
            st.text(max_size=40),
            st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]),
            st.binary(max_size=3),
        ).map(lambda t: t[0] + t[1].encode(t[2], "surrogatepass") + t[3]),
    )
)
def test_any_bytes_decode_to_text_a_problem_or_nothing(data: bytes) -> None:
    result = decode(data)
    assert result is None or isinstance(result, str | InputProblem)
    if isinstance(result, str):
        result.encode("utf-8")
    if isinstance(result, InputProblem):
        assert result.kind == InputProblemKind.UNREADABLE
        assert mentions_image_builder(data)


def test_markers_are_structural() -> None:
    assert mentions_image_builder(b"Type: AWS::ImageBuilder::Component")
    assert mentions_image_builder('resource "aws_imagebuilder_image" "x" {}')
    assert mentions_image_builder(b"arn:aws:imagebuilder:us-east-1:123:image/x")
    assert not mentions_image_builder(b"image: imagebuilder:latest  # EC2 Image Builder")
    assert not mentions_image_builder("")
    for codec in ("utf-16-le", "utf-32-be"):
        assert mentions_image_builder("parentImage: ami-1".encode(codec))
    assert mentions_image_builder(codecs.BOM_UTF16_BE + "componentArn".encode("utf-16-be"))


def test_reading_never_raises_for_any_file_kind(tmp_path: Path) -> None:
    paths: list[Callable[[], Path]] = [
        lambda: tmp_path,
        lambda: Path("/dev/zero"),
        lambda: Path("/dev/null"),
        lambda: Path("/proc/self/status"),
        lambda: tmp_path / "no" / "such",
        lambda: Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xff.yaml")),
    ]
    for make in paths:
        path = make()
        result = read_file(path, 1024)
        assert result is None or isinstance(result, bytes | InputProblem)
        if isinstance(result, bytes):
            assert stat.S_ISREG(os.stat(path).st_mode)
