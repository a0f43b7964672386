"""The fingerprints are computed a whole text at a time; they must be the values the unit-by-unit
port (``tests/reference_fingerprints.py``, what 0.1.0 computed) gives, on every input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.fingerprints import line_hashes
from tests import reference_fingerprints

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_PIECES = st.sampled_from(
    ["a", "b", " ", "\t", "\n", "\r", "\r\n", "\r \n", "\u00e9", "\U0001f600", "\ud7ff", "-", ":"]
)


def assert_same(data: bytes) -> None:
    expected = reference_fingerprints.line_hashes(data)
    assert line_hashes(data) == expected
    for lines in ({1}, {2, 5}, {len(expected) // 2}, {len(expected) - 1, 1}, set(expected)):
        wanted = {line: value for line, value in expected.items() if line in lines}
        assert line_hashes(data, lines) == wanted
    assert line_hashes(data, set()) == {}
    assert line_hashes(data, {len(expected) + 5}) == {}


@FUZZ
@given(st.lists(_PIECES, max_size=400))
def test_texts(pieces: list[str]) -> None:
    assert_same("".join(pieces).encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=300))
def test_bytes(data: bytes) -> None:
    assert_same(data)


def test_long_texts_cross_the_stretches() -> None:
    line = "key: value with some words\n"
    for repeat in (1, 37, 38, 39, 40, 41, 100, 1000):
        assert_same((line * repeat).encode())
    assert_same(("x" * 5000 + "\n" + "y" * 3000).encode())
    assert_same(("\U0001f600" * 700 + "\n").encode() * 3)
    assert_same(b"\n" * 3000)


def test_real_files() -> None:
    files = sorted(path for path in CORPUS.rglob("*") if path.is_file()) if CORPUS.is_dir() else []
    files += sorted(Path(__file__).resolve().parents[1].joinpath("examples").rglob("*.*"))
    for path in files:
        assert_same(path.read_bytes())
