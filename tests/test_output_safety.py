"""Output a CI log, a terminal and code scanning can trust (issue 6 §3, issue 11).

Values and file names from checked files never start an output line, never reach a terminal
as a control sequence and never crash a reporter; messages are bounded; ``-o`` writes
atomically and never through a symlink; a closed or broken standard output is no traceback;
SARIF fingerprints read only bounded regular files and stay what 0.1.0 computed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint.checks.values import literal_text
from iblint.cli import main
from iblint.fingerprints import file_line_hashes, line_hashes
from iblint.model import Finding, Scalar, Severity, Span
from iblint.reporters import ReportContext, get_reporter
from iblint.reporters.sarif import build_log
from iblint.specs import load_specs
from iblint.text_safety import MESSAGE_LIMIT, clipped, escaped, printable, shown
from tests.documents import API_INFRA_BAD

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CHECK_SARIF = SHARED / "sarif" / "check-sarif"
needs_check_sarif = pytest.mark.skipif(not CHECK_SARIF.is_file(), reason="no check-sarif")

#: Characters that must never reach the output raw, each with the escape shown instead.
HOSTILE = {
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\x00": "\\x00",
    "\x07": "\\x07",
    "\x0b": "\\x0b",
    "\x0c": "\\x0c",
    "\x1b": "\\x1b",
    "\x1c": "\\x1c",
    "\x7f": "\\x7f",
    "\x85": "\\x85",
    "\x9b": "\\x9b",
    "\u061c": "\\u061c",
    "\u200e": "\\u200e",
    "\u200f": "\\u200f",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
    "\u202a": "\\u202a",
    "\u202b": "\\u202b",
    "\u202c": "\\u202c",
    "\u202d": "\\u202d",
    "\u202e": "\\u202e",
    "\u2066": "\\u2066",
    "\u2067": "\\u2067",
    "\u2068": "\\u2068",
    "\u2069": "\\u2069",
    "\udcff": "\\xff",  # a file-name byte that is not UTF-8 (surrogateescape)
    "\udc80": "\\x80",  # noqa: F601 - ruff sees every lone surrogate as one key
    "\ud800": "\\ud800",  # noqa: F601 - a lone surrogate from a JSON escape
}
#: Any of them but the line feed, which separates lines (the line counts check that one).
RAW = re.compile("[" + "".join(re.escape(char) for char in HOSTILE if char != "\n") + "]")
INJECTION = "x\n::warning file=evil.yaml,line=1::pwned\r\x1b[2J\x1b]0;title\x07\u202eevil"
OWN_COLOURS = re.compile(r"\x1b\[(?:0|1|2|31|33|36)m")
SURROGATE_PATH = os.fsdecode(b"dir/\xff\x1b[31m.yaml")

FORMATS = ["text", "json", "github", "sarif"]
SPECS = load_specs()
SPAN = Span(3, 5, 3, 9)


def finding(
    message: str = "httpTokens is 'optional'",
    fix: str = "set httpTokens to 'required'",
    path: str = "infra.yaml",
    rule_id: str = "IB101",
    span: Span = SPAN,
    severity: Severity = Severity.ERROR,
) -> Finding:
    return Finding(rule_id, SPECS[rule_id].name, severity, path, span, message, fix)


def render(output_format: str, findings: list[Finding], color: bool = False) -> str:
    """The reporter's output through a strict UTF-8 stream, as standard output would take it."""
    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="utf-8", errors="strict", newline="\n")
    context = ReportContext(files_checked=len(findings), color=color)
    get_reporter(output_format)(findings, context, stream)
    stream.flush()
    return buffer.getvalue().decode("utf-8")


# ---------------------------------------------------------------------------------------------
# The escaping and bounding functions.


@pytest.mark.parametrize(("char", "escape"), HOSTILE.items())
def test_escaped_shows_each_unsafe_character_as_an_escape(char: str, escape: str) -> None:
    assert escaped(f"a{char}b") == f"a{escape}b"


def test_escaped_keeps_printable_text_as_it_is() -> None:
    text = "C:\\dir\\file.yaml ünïcode 中文 😀 % , : \" ' \\n"
    assert escaped(text) == text


def test_every_c0_and_c1_control_is_escaped() -> None:
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        assert escaped(chr(code)) in ("\\n", "\\r", "\\t", f"\\x{code:02x}")


def test_shown_is_repr_for_short_values() -> None:
    assert shown("optional") == "'optional'"
    assert shown("it's") == '"it\'s"'
    assert shown("a\nb\x1b\u202e\udcff") == "'a\\nb\\x1b\\u202e\\udcff'"


def test_shown_bounds_long_values_and_gives_their_length() -> None:
    text = shown("abcd" * 3000 + "\n")
    assert text == f"'{'abcd' * 10}…' (12,001 characters)"
    assert len(shown("\x00" * 1_000_000)) < 10 * 40 + 40
    assert shown("x" * 41, limit=40).endswith("…' (41 characters)")
    assert shown("x" * 40, limit=40) == repr("x" * 40)


def test_clipped_and_printable() -> None:
    assert clipped("short", 10) == "short"
    assert clipped("0123456789abc", 10) == "0123456789… (13 characters)"
    assert printable("a\nb" * 5000, limit=4) == "a\\nba… (15,000 characters)"


def test_literal_text_is_bounded_and_escaped() -> None:
    assert literal_text(Scalar("250", Span(1, 1, 1, 4))) == "250"
    assert literal_text(Scalar("25\x1b[0m\u202e", Span(1, 1, 1, 4))) == "25\\x1b[0m\\u202e"
    long = literal_text(Scalar("9" * 100_000, Span(1, 1, 1, 4)))
    assert long == "999999999999… (100,000 characters)"
    assert literal_text(Scalar("1\n" * 20, Span(1, 1, 1, 4))).count("\n") == 0


# ---------------------------------------------------------------------------------------------
# 1. No value starts a line or drives the terminal, in every format.


def test_text_output_has_one_line_per_finding_and_fix_whatever_the_values() -> None:
    hostile = "".join(HOSTILE)
    findings = [
        finding(INJECTION + hostile, "fix " + INJECTION, path=f"a{hostile}.yaml"),
        finding("plain", "plain fix", path=SURROGATE_PATH),
    ]
    output = render("text", findings)
    lines = output.splitlines()
    # A finding, its fix and its rule's documentation link (issue 9), then the summary.
    assert len(lines) == 3 * len(findings) + 1, lines
    assert not RAW.search(output)
    assert (
        "\\n::warning file=evil.yaml,line=1::pwned\\r\\x1b[2J\\x1b]0;title\\x07\\u202eevil"
        in (lines[0])
    )
    assert lines[0].startswith("a\\n\\r\\t\\x00")
    assert lines[1].startswith("    fix: fix x\\n::warning")
    assert lines[3] == "dir/\\xff\\x1b[31m.yaml:3:5: IB101 plain [error]"


def test_text_colour_codes_are_only_iblint_own() -> None:
    output = render("text", [finding(INJECTION)], color=True)
    assert "\x1b" not in OWN_COLOURS.sub("", output)
    assert len(output.splitlines()) == 4


def _github_data(text: str) -> str:
    """Undoes the workflow-command data encoding, as the runner does."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _github_property(text: str) -> str:
    return _github_data(text.replace("%3A", ":").replace("%2C", ","))


def test_github_output_cannot_issue_a_workflow_command() -> None:
    findings = [
        finding(INJECTION, "\n::error::fix" + "".join(HOSTILE), path="x\n::warning::.yaml"),
        finding("100%0A done, ok: yes", path=SURROGATE_PATH),
    ]
    output = render("github", findings)
    lines = output.splitlines()
    assert len(lines) == len(findings)
    assert all(line.startswith("::error ") for line in lines), lines
    assert not RAW.search(output)
    assert "\n::" not in _github_data(output.replace("\n", ""))
    properties, _, data = lines[1][2:].partition("::")
    assert _github_data(data) == "100%0A done, ok: yes. Fix: set httpTokens to 'required'"
    assert "file=dir/\\xff\\x1b[31m.yaml," in properties


def test_json_output_parses_and_is_ascii() -> None:
    findings = [finding(INJECTION, path=SURROGATE_PATH), finding("ok", path="a\nb.yaml")]
    output = render("json", findings)
    assert output.isascii()
    document = json.loads(output)
    first, second = document["findings"]
    assert first["path"] == "dir/\\xff\x1b[31m.yaml"  # valid Unicode; JSON escapes the rest
    assert first["message"] == escaped(INJECTION)
    assert second["path"] == "a\nb.yaml"


def test_sarif_output_escapes_messages_and_encodes_raw_file_name_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    findings = [finding(INJECTION + "".join(HOSTILE), path=os.fsdecode(b"\xff n\x1b.yaml"))]
    output = render("sarif", findings)
    assert not RAW.search(output)
    (result,) = json.loads(output)["runs"][0]["results"]
    artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "%FF%20n%1B.yaml", "uriBaseId": "%SRCROOT%"}
    assert result["message"]["text"].startswith(escaped(INJECTION))
    outside = json.loads(render("sarif", [finding(path="/tmp/\udcff\ud800.yaml")]))
    uri = outside["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert uri["artifactLocation"]["uri"] == "file:///tmp/%FF%ED%A0%80.yaml"


@needs_check_sarif
def test_a_file_name_that_is_not_utf8_gives_valid_sarif_with_a_fingerprint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = b"\xff\x1b]0;x\x07.json"
    (tmp_path / os.fsdecode(name)).write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    for output_format in FORMATS:
        assert main(["check", "--format", output_format, "-o", f"out.{output_format}", "."]) == 1
    assert capsys.readouterr().err == ""
    text = (tmp_path / "out.text").read_text(encoding="utf-8")
    assert text.startswith("\\xff\\x1b]0;x\\x07.json:4:")
    github = (tmp_path / "out.github").read_text(encoding="utf-8")
    assert github.startswith("::error file=\\xff\\x1b]0;x\\x07.json,line=4,")
    assert json.loads((tmp_path / "out.json").read_text())["findings"][0]["path"].startswith(
        "\\xff\x1b"
    )
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    (result,) = log["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%FF%1B%5D0%3Bx%07.json"
    assert unquote(uri, errors="surrogateescape") == os.fsdecode(name)
    assert (
        result["partialFingerprints"]["primaryLocationLineHash"]
        == (line_hashes(API_INFRA_BAD.encode())[4])
    )
    problems = _check_sarif(tmp_path / "out.sarif", src_root=tmp_path)
    # check-sarif decodes %FF as U+FFFD and cannot find the file: that warning only (rule
    # metadata is test_sarif.py's business).
    codes = [code for _, code in problems if not code.startswith("GH-RULE")]
    assert codes == ["GH-SRC-MISSING"], problems


def test_error_messages_cannot_forge_lines_either(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A catalog named in a (committed) configuration file reaches the error message."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "iblint.toml").write_text('catalog = ["x\\n::warning::y\\u001b[31m.json"]\n')
    assert main(["check", "."]) == 2
    err = capsys.readouterr().err
    assert "x\\n::warning::y\\x1b[31m.json" in err
    assert not any(line.startswith("::") for line in err.splitlines())
    assert "\x1b" not in err


# ---------------------------------------------------------------------------------------------
# 2. GitHub annotations are relative to the repository root.


def test_github_paths_are_relative_to_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "infra" / "nested").mkdir(parents=True)
    monkeypatch.chdir(repository / "infra")
    findings = [
        finding(path="nested/a.yaml"),
        finding(path="../b,c.yaml"),
        finding(path="./nested/../d.yaml"),
        finding(path="../../outside.yaml"),
    ]
    files = [
        _github_property(re.match(r"::error file=([^,]*),", line)[1])  # type: ignore[index]
        for line in render("github", findings).splitlines()
    ]
    assert files == ["infra/nested/a.yaml", "b,c.yaml", "infra/d.yaml", f"{tmp_path}/outside.yaml"]


def test_github_paths_without_a_repository_are_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not any((parent / ".git").exists() for parent in tmp_path.parents)
    monkeypatch.chdir(tmp_path)
    assert render("github", [finding(path="a/b.yaml")]).startswith("::error file=a/b.yaml,")


def test_github_and_sarif_share_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").write_text("gitdir: elsewhere\n")  # a worktree
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    log = build_log([finding(path="x y.yaml")])
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "sub/x%20y.yaml"
    assert render("github", [finding(path="x y.yaml")]).startswith("::error file=sub/x y.yaml,")


# ---------------------------------------------------------------------------------------------
# 3. Messages are bounded.


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_reporter_bounds_a_huge_message_and_fix(
    output_format: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    huge = "\x1b" * 1_000_000
    output = render(output_format, [finding(huge, huge)])
    assert "(1,000,000 characters)" in output
    small = render(output_format, [finding("m", "f")])  # SARIF carries every rule's docs
    assert len(output) - len(small) < 2 * 5 * (MESSAGE_LIMIT + 40)


def test_an_httptokens_value_is_shown_bounded_and_escaped(tmp_path: Path) -> None:
    from iblint import check_paths

    value = "x" * 100_000 + "\n::warning::\u202e"
    document = json.loads(API_INFRA_BAD)
    document["instanceMetadataOptions"]["httpTokens"] = value
    (tmp_path / "infra.json").write_text(json.dumps(document))
    (found,) = check_paths([str(tmp_path / "infra.json")], root=tmp_path).findings
    assert found.rule_id == "IB101"
    assert f"'{'x' * 40}…' ({len(value):,} characters)" in found.message
    assert len(found.message) < 300
    document["instanceMetadataOptions"]["httpTokens"] = "a\n\x1b\u202eb"
    (tmp_path / "infra.json").write_text(json.dumps(document))
    (found,) = check_paths([str(tmp_path / "infra.json")], root=tmp_path).findings
    assert "'a\\n\\x1b\\u202eb'" in found.message


# ---------------------------------------------------------------------------------------------
# 4. -o writes atomically and never through a symlink.


@pytest.fixture
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "infra.json").write_text(API_INFRA_BAD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _leftovers(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir() if path.name.endswith(".tmp"))


@pytest.mark.parametrize("output_format", FORMATS)
def test_output_replaces_a_symlink_instead_of_writing_through_it(
    infra: Path, output_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = infra / "precious.txt"
    precious.write_text("keep me\n")
    (infra / "report").symlink_to(precious)
    assert main(["check", "--format", output_format, "-o", "report", "infra.json"]) == 1
    assert precious.read_text() == "keep me\n"
    assert not (infra / "report").is_symlink()
    assert "IB101" in (infra / "report").read_text(encoding="utf-8")
    assert _leftovers(infra) == []
    assert capsys.readouterr() == ("", "")


def test_a_dangling_symlink_is_replaced_not_followed(infra: Path) -> None:
    (infra / "report.sarif").symlink_to(infra / "created-elsewhere.sarif")
    assert main(["check", "--format", "sarif", "-o", "report.sarif", "infra.json"]) == 1
    assert not (infra / "created-elsewhere.sarif").exists()
    json.loads((infra / "report.sarif").read_text(encoding="utf-8"))


def test_output_keeps_an_existing_file_mode_and_new_files_follow_the_umask(infra: Path) -> None:
    existing = infra / "existing.json"
    existing.write_text("old")
    existing.chmod(0o640)
    assert main(["check", "--format", "json", "-o", "existing.json", "infra.json"]) == 1
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640
    old_umask = os.umask(0o027)
    try:
        assert main(["check", "--format", "json", "-o", "new.json", "infra.json"]) == 1
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((infra / "new.json").stat().st_mode) == 0o640


def _failing_reporter(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
    stream.write('{"partial": ')
    stream.flush()
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_write_leaves_no_partial_file_and_exits_2_with_one_line(
    infra: Path,
    existing: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import iblint.reporters

    if existing:
        (infra / "out.sarif").write_text("previous report\n")
    monkeypatch.setattr(iblint.reporters, "get_reporter", lambda name: _failing_reporter)
    assert main(["check", "--format", "sarif", "-o", "out.sarif", "infra.json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        "Error: cannot write the report to out.sarif: No space left on device"
    ]
    assert _leftovers(infra) == []
    if existing:
        assert (infra / "out.sarif").read_text() == "previous report\n"
    else:
        assert not (infra / "out.sarif").exists()


def test_an_unexpected_reporter_error_leaves_no_temporary_file(
    infra: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import iblint.reporters

    def broken(findings: list[Finding], context: ReportContext, stream: TextIO) -> None:
        stream.write("half")
        raise RuntimeError("bug")

    monkeypatch.setattr(iblint.reporters, "get_reporter", lambda name: broken)
    assert main(["check", "-o", "out.txt", "infra.json"]) == 2
    assert "internal error" in capsys.readouterr().err
    assert sorted(path.name for path in infra.iterdir()) == ["infra.json"]


@pytest.mark.parametrize("target", ["missing/out.sarif", "infra.json/out.sarif"])
def test_an_output_path_that_cannot_be_written_is_one_line_and_exit_2(
    infra: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "--format", "sarif", "-o", target, "infra.json"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert sorted(path.name for path in infra.iterdir()) == ["infra.json"]


def test_output_to_a_read_only_directory_is_one_line(
    infra: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    (infra / "ro").mkdir()
    (infra / "ro").chmod(0o555)
    assert main(["check", "-o", "ro/out.txt", "infra.json"]) == 2
    assert "cannot write the report to ro/out.txt" in capsys.readouterr().err


def _subprocess(
    args: list[str], cwd: Path, shell_suffix: str = ""
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    command = " ".join([sys.executable, "-m", "iblint", *args]) + shell_suffix
    return subprocess.run(
        ["sh", "-c", command], cwd=cwd, capture_output=True, text=True, env=environment, timeout=60
    )


@pytest.mark.parametrize("device", ["/dev/stdout", "/dev/null"])
def test_output_to_a_device_is_written_directly(infra: Path, device: str) -> None:
    completed = _subprocess(["check", "--format", "sarif", "-o", device, "infra.json"], infra)
    assert completed.returncode == 1, completed.stderr
    assert completed.stderr == ""
    if device == "/dev/stdout":
        assert json.loads(completed.stdout)["runs"][0]["results"]


# ---------------------------------------------------------------------------------------------
# 5. A closed or broken standard output.


@pytest.mark.parametrize("output_format", FORMATS)
def test_a_closed_standard_output_is_one_line_and_exit_2(infra: Path, output_format: str) -> None:
    completed = _subprocess(["check", "--format", output_format, "infra.json"], infra, " >&-")
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.splitlines() == [
        "Error: cannot write the report to standard output: it is closed"
    ]


def test_closed_standard_output_and_error_still_exit_2(infra: Path) -> None:
    completed = _subprocess(["check", "infra.json"], infra, " >&- 2>&-")
    assert completed.returncode == 2


@pytest.mark.parametrize("output_format", FORMATS)
@pytest.mark.parametrize(("content", "expected"), [(API_INFRA_BAD, 1), ("{}\n", 0)])
def test_a_reader_that_goes_away_keeps_the_verdict(
    tmp_path: Path, output_format: str, content: str, expected: int
) -> None:
    for index in range(300):  # far more than a pipe holds
        (tmp_path / f"infra{index:03}.json").write_text(content)
    completed = _subprocess(["check", "--format", output_format, "."], tmp_path, " | head -c 1")
    assert completed.stderr == ""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
        closed = subprocess.run(
            [sys.executable, "-m", "iblint", "check", "--format", output_format, "."],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert (closed.returncode, closed.stderr) == (expected, "")


@pytest.mark.parametrize("args", [["rules"], ["explain", "IB101"], ["--help"]])
def test_other_commands_with_a_closed_pipe_are_quiet(tmp_path: Path, args: list[str]) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        closed = subprocess.run(
            [sys.executable, "-m", "iblint", *args],
            cwd=tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    finally:
        os.close(write_end)
    assert closed.stderr == ""
    assert closed.returncode in (0, 1)


def test_a_terminal_that_cannot_encode_a_value_gets_an_escape(infra: Path) -> None:
    document = json.loads(API_INFRA_BAD)
    document["instanceMetadataOptions"]["httpTokens"] = "ünïcode"
    (infra / "infra.json").write_text(json.dumps(document))
    environment = {**os.environ, "PYTHONIOENCODING": "ascii"}
    completed = subprocess.run(
        [sys.executable, "-m", "iblint", "check", "infra.json"],
        cwd=infra,
        capture_output=True,
        env=environment,
        timeout=60,
    )
    assert completed.returncode == 1, completed.stderr
    assert b"\\xfcn\\xefcode" in completed.stdout
    assert completed.stderr == b""


# ---------------------------------------------------------------------------------------------
# 6. SARIF fingerprints: bounded reads, values identical to 0.1.0's.

CORPUS = SHARED / "corpus"
FINGERPRINT_SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "fingerprints.json"
UPDATE = os.environ.get("IBLINT_UPDATE_SNAPSHOTS") == "1"

#: Small files that exercise every branch of the port: line endings, whitespace skipping,
#: windows past 100 code units, astral characters (two UTF-16 units), undecodable bytes, BOM.
FINGERPRINT_CASES: dict[str, bytes] = {
    "empty": b"",
    "one-line-no-eol": b"Resources:",
    "lf": b"a: 1\nb: 2\n\nc: [3]\n",
    "crlf": b"a: 1\r\nb: 2\r\n\r\n",
    "lone-cr": b"a: 1\rb: 2\r\rc\n",
    "blank-and-indent": b"  \t  key: value\n\t\n    - item   \n",
    "long-line": b"x" * 250 + b"\n" + b"y: " + b"z" * 120 + b"\n",
    "duplicates": b"same\nsame\nsame\nother\nsame\n",
    "astral": "k: \U0001f600 \u00e9\u4e2d\n".encode() * 3,
    "invalid-utf8": b"a: \xff\xfe\n\xc3(\nend\n",
    "bom": b"\xef\xbb\xbfAWSTemplateFormatVersion: '2010-09-09'\n",
    "nul-and-controls": b"a\x00b\x1b[31m\n\x7f\x85\n",
}


def _digest(hashes: dict[int, str]) -> str:
    """A short, order-independent digest of a file's line hashes."""
    text = json.dumps(sorted(hashes.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _reference_fingerprints() -> dict[str, Any]:
    """What 0.1.0 computed: ``line_hashes`` over the whole file (the snapshot was taken with
    that code, before reads were bounded)."""
    corpus = {
        path.relative_to(CORPUS).as_posix(): _digest(line_hashes(path.read_bytes()))
        for path in sorted(CORPUS.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }
    cases = {
        name: {str(line): value for line, value in sorted(line_hashes(data).items())}
        for name, data in FINGERPRINT_CASES.items()
    }
    return {"corpus": corpus, "cases": cases}


def _snapshot() -> dict[str, Any]:
    if UPDATE:
        FINGERPRINT_SNAPSHOT.write_text(
            json.dumps(_reference_fingerprints(), indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )
    data: dict[str, Any] = json.loads(FINGERPRINT_SNAPSHOT.read_text(encoding="utf-8"))
    return data


@pytest.mark.skipif(not CORPUS.is_dir(), reason="no corpus")
def test_fingerprints_of_the_corpus_are_those_of_0_1_0() -> None:
    expected = _snapshot()["corpus"]
    actual = {name: _digest(file_line_hashes(CORPUS / name)) for name in expected}
    assert actual == expected
    assert len(expected) == len([path for path in CORPUS.rglob("*") if path.is_file()])


@pytest.mark.parametrize("name", sorted(FINGERPRINT_CASES))
def test_fingerprints_of_edge_cases_are_those_of_0_1_0(name: str, tmp_path: Path) -> None:
    expected = {int(line): value for line, value in _snapshot()["cases"][name].items()}
    assert line_hashes(FINGERPRINT_CASES[name]) == expected
    (tmp_path / "file").write_bytes(FINGERPRINT_CASES[name])
    assert file_line_hashes(tmp_path / "file") == expected


def test_fingerprints_read_at_most_the_limit(tmp_path: Path) -> None:
    data = b"a: 1\n" * 20
    (tmp_path / "file").write_bytes(data)
    assert file_line_hashes(tmp_path / "file", max_bytes=len(data)) == line_hashes(data)
    assert file_line_hashes(tmp_path / "file", max_bytes=len(data) - 1) == {}


def _in_thread(function: Any, *args: Any) -> Any:
    """``function(*args)``, or a failure if it blocks (a read from a FIFO would)."""
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(function(*args)), daemon=True)
    thread.start()
    thread.join(10)
    assert results, f"{function.__name__}{args} blocked"
    return results[0]


@pytest.mark.parametrize("kind", ["fifo", "symlink", "directory", "missing", "device", "nul"])
def test_fingerprints_only_for_regular_files(tmp_path: Path, kind: str) -> None:
    (tmp_path / "real.yaml").write_text("a: 1\n")
    path = tmp_path / "special"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "symlink":
        path.symlink_to(tmp_path / "real.yaml")
    elif kind == "directory":
        path.mkdir()
    elif kind == "device":
        path = Path("/dev/zero")
    target: Any = str(path) + ("\x00" if kind == "nul" else "")
    assert _in_thread(file_line_hashes, target) == {}


def test_sarif_fingerprints_follow_the_ib003_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    big = API_INFRA_BAD + " " * 500 + "\n"
    (tmp_path / "big.json").write_text(big)
    (tmp_path / "small.json").write_text(API_INFRA_BAD)
    log = build_log(
        [finding(path="big.json"), finding(path="small.json")], max_file_bytes=len(big) - 1
    )
    big_result, small_result = log["runs"][0]["results"]
    assert "partialFingerprints" not in big_result
    assert "partialFingerprints" in small_result
    # From the command line: the configured IB003 limit.
    assert (
        main(
            [
                "check",
                "--format",
                "sarif",
                "-o",
                "out.sarif",
                "--option",
                f"IB003.max_bytes={len(big) - 1}",
                ".",
            ]
        )
        == 1
    )
    results = json.loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    by_file = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    assert by_file["big.json"]["ruleId"] == "IB003"
    assert "partialFingerprints" not in by_file["big.json"]
    assert "partialFingerprints" in by_file["small.json"]


# ---------------------------------------------------------------------------------------------
# 7. Any findings at all: every reporter's output stays valid.


def _check_sarif_module() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("check_sarif", str(CHECK_SARIF))
    spec = importlib.util.spec_from_loader("check_sarif", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


_CHECKER: list[ModuleType] = []


def _check_sarif(
    path: Path, src_root: Path | None = None, deep: bool = True
) -> list[tuple[str, str]]:
    """check-sarif's (level, code) problems for ``path``, run in process."""
    if not _CHECKER:
        _CHECKER.append(_check_sarif_module())
    args = ["--no-multitool", str(path)]
    if src_root is not None:
        args[:0] = ["--src-root", str(src_root)]
    if not deep:
        args[:0] = ["--no-upload-sarif-emulation"]
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        _CHECKER[0].main(args)
    problems = []
    for line in captured.getvalue().splitlines():
        match = re.match(r"^.*?: (error|warning) (\S+) ", line)
        if match:
            problems.append((match[1], match[2]))
    return problems


HOSTILE_CHARS = st.sampled_from([*HOSTILE, "%", ",", ":", "\\", "'", '"', "é", "😀", "\U000e0041"])
TEXT = st.one_of(
    st.text(st.characters(exclude_categories=()), max_size=40),
    st.text(HOSTILE_CHARS, max_size=40),
    st.builds(
        lambda text, times: text * times,
        st.text(HOSTILE_CHARS, min_size=1, max_size=5),
        st.integers(1_000, 5_000),
    ),
)
PATHS = st.one_of(
    TEXT.filter(bool),
    st.binary(min_size=1, max_size=30).map(os.fsdecode),
    st.sampled_from(["infra.json", "../up.yaml", "/abs/x.tf", "a b/c,d:e%f.yaml"]),
)


@st.composite
def findings_strategy(draw: st.DrawFn) -> Finding:
    start_line = draw(st.integers(1, 10**6))
    start_col = draw(st.integers(1, 10**4))
    end_line = draw(st.integers(start_line, start_line + 5))
    end_col = draw(st.integers(start_col if end_line == start_line else 1, 10**4 + 5))
    rule_id = draw(st.sampled_from(sorted(SPECS)))
    return finding(
        message=draw(TEXT),
        fix=draw(TEXT),
        path=draw(PATHS),
        rule_id=rule_id,
        span=Span(start_line, start_col, end_line, end_col),
        severity=draw(st.sampled_from(list(Severity))),
    )


@contextlib.contextmanager
def _scratch_directory() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory() as directory, contextlib.chdir(directory):
        yield Path(directory)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings=st.lists(findings_strategy(), max_size=4), color=st.booleans())
def test_any_findings_give_valid_text_github_and_json(findings: list[Finding], color: bool) -> None:
    with _scratch_directory():
        text = render("text", findings, color=color)
        assert len(text.splitlines()) == 3 * len(findings) + 1
        text = OWN_COLOURS.sub("", text)
        github = render("github", findings)
        lines = github.splitlines()
        assert len(lines) == len(findings)
        assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
        for line, item in zip(lines, findings, strict=True):
            _, _, data = line[2:].partition("::")
            assert _github_data(data) == f"{printable(item.message)}. Fix: {printable(item.fix)}"
        for output in (text, github):
            assert not RAW.search(output)
        document = json.loads(render("json", findings))
        assert [entry["message"] for entry in document["findings"]] == [
            printable(item.message) for item in findings
        ]


@needs_check_sarif
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings=st.lists(findings_strategy(), max_size=4))
def test_any_findings_give_sarif_that_check_sarif_accepts(findings: list[Finding]) -> None:
    with _scratch_directory() as directory:
        output = render("sarif", findings)
        assert not RAW.search(output)
        log = json.loads(output)
        assert len(log["runs"][0]["results"]) == len(findings)
        (directory / "out.sarif").write_text(output, encoding="utf-8")
        problems = _check_sarif(directory / "out.sarif", deep=False)
        errors = [code for level, code in problems if level == "error"]
        assert errors == [], problems


# ---------------------------------------------------------------------------------------------
# GitHub's limits on rule metadata hold whatever length a spec's text grows to.


def test_sarif_rule_descriptions_fit_github_limits() -> None:
    rules = build_log([])["runs"][0]["tool"]["driver"]["rules"]
    for rule in rules:
        for field in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[field]["text"]) <= 1024, (rule["id"], field)


def test_a_long_description_is_cut_at_a_sentence_or_a_word() -> None:
    from iblint.reporters.sarif import description

    sentences = "One short sentence. " * 60
    cut = description(sentences.strip(), 1024)
    assert len(cut) <= 1024 and cut.endswith("sentence. …")
    words = "word " * 400
    cut = description(words.strip(), 1024)
    assert len(cut) <= 1024 and cut.endswith("word …")
    assert description("x" * 2000, 1024) == "x" * 1022 + " …"
    assert description("short.", 1024) == "short."
