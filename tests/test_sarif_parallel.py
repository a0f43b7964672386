"""A large run's SARIF fingerprints are hashed in several processes (issue 12): the log must be
byte for byte the one a single process writes, however many processes ran and whether or not
one of them failed; a small run forks nothing."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Collection
from pathlib import Path

import pytest

from iblint import check_paths, fingerprints, parallel
from iblint.config import Config
from iblint.fingerprints import files_line_hashes
from iblint.model import Finding, Severity, Span
from iblint.parallel import portions
from iblint.reporters import ReportContext
from iblint.reporters.sarif import build_log, write

TEMPLATE = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: r{index}  # {note}
      Version: 1.0.0
      ParentImage: {parent}
      Components:
        - ComponentArn: arn:aws:imagebuilder:us-east-1:aws:component/x/1.0.0
  Infra:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: i{index}
      InstanceProfileName: p
      InstanceMetadataOptions:
        HttpTokens: {tokens}{comment}
"""
FILES = 60


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Templates with findings on different lines, suppressed ones, non-ASCII, CRLF and
    tab-indented text (hashed differently), and files without findings between them."""
    root = tmp_path_factory.mktemp("project")
    for index in range(FILES):
        text = TEMPLATE.format(
            index=index,
            note="ü 😀" if index % 5 == 0 else "plain",
            parent="ami-0123" if index % 3 == 0 else "ami-0123456789abcdef0",
            comment="  # iblint: ignore IB101 not yet" if index % 7 == 0 else "",
            tokens="optional" if index % 2 else "required",
        )
        if index % 4 == 1:
            text = text.replace("\n", "\r\n")
        if index % 6 == 2:
            text = text.replace("      ", "\t\t\t")
        folder = root / f"d{index % 3}"
        folder.mkdir(exist_ok=True)
        (folder / f"t{index:03}.yaml").write_bytes(text.encode())
    return root


def _log(findings: list[Finding], context: ReportContext, jobs: int | None) -> str:
    stream = io.StringIO()
    write(findings, context._replace(jobs=jobs), stream)
    return stream.getvalue()


def _many_files(project: Path) -> tuple[list[Finding], ReportContext]:
    report = check_paths([str(project)], Config(jobs=1))
    context = ReportContext(report.files_checked, suppressed=report.suppressed)
    with_findings = {finding.path for finding in [*report.findings, *report.suppressed]}
    assert len(with_findings) > FILES // 2 and report.suppressed  # what the test needs
    return report.findings, context


@pytest.fixture
def many_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a machine with 4 CPUs where a few lines' hashing pays off a process."""
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    monkeypatch.setattr(fingerprints, "LINES_PER_PROCESS", 100)


def _hashed_by(monkeypatch: pytest.MonkeyPatch, record: Path) -> None:
    """Each process that hashes a file writes its id to ``record``."""
    hashes = fingerprints.file_line_hashes

    def recorded(
        path: str | os.PathLike[str], max_bytes: int, lines: Collection[int] | None = None
    ) -> dict[int, str]:
        with open(record, "a", encoding="ascii") as stream:
            stream.write(f"{os.getpid()}\n")
        return hashes(path, max_bytes, lines)

    monkeypatch.setattr(fingerprints, "file_line_hashes", recorded)


@pytest.mark.usefixtures("many_cpus")
@pytest.mark.parametrize("cwd", ["project", "parent"])
def test_several_processes_write_the_log_one_process_writes(
    project: Path, cwd: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with contextlib.chdir(project if cwd == "project" else project.parent):
        findings, context = _many_files(Path("." if cwd == "project" else project.name))
        one = _log(findings, context, 1)
        record = tmp_path / "pids"
        _hashed_by(monkeypatch, record)
        for jobs in (2, 3, None):
            record.write_text("")
            assert _log(findings, context, jobs) == one, jobs
            # It did run in several processes, each hashing a part of the files.
            assert len(set(record.read_text().split())) == (jobs or 4)
        log = build_log(findings, suppressed=context.suppressed)
    assert json.loads(one) == log
    results = log["runs"][0]["results"]
    assert all(result["partialFingerprints"] for result in results)


@pytest.mark.usefixtures("many_cpus")
def test_a_process_that_fails_has_its_files_hashed_here(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with contextlib.chdir(project):
        findings, context = _many_files(Path("."))
        one = _log(findings, context, 1)
        parent = os.getpid()
        hashes = fingerprints.file_line_hashes

        def dies_elsewhere(
            path: str | os.PathLike[str], max_bytes: int, lines: Collection[int] | None = None
        ) -> dict[int, str]:
            if os.getpid() != parent:
                os._exit(3)
            return hashes(path, max_bytes, lines)

        monkeypatch.setattr(fingerprints, "file_line_hashes", dies_elsewhere)
        assert _log(findings, context, 3) == one


@pytest.mark.usefixtures("many_cpus")
def test_no_other_process_writes_what_the_stream_holds(project: Path, tmp_path: Path) -> None:
    with contextlib.chdir(project):
        findings, context = _many_files(Path("."))
        one = _log(findings, context, 1)
        out = tmp_path / "out.sarif"
        with open(out, "w", encoding="utf-8") as stream:
            stream.write("before\n")  # still in the buffer when the others are forked
            write(findings, context._replace(jobs=3), stream)
    assert out.read_text(encoding="utf-8") == "before\n" + one


def test_the_results_are_printed_here_once_while_the_others_hash(tmp_path: Path) -> None:
    files = []
    for index in range(6):
        path = tmp_path / f"f{index}.yaml"
        path.write_text("a: 1\nb: 2\n" * 5)
        files.append((str(path), {index + 1}))
    ran: list[int] = []
    for jobs in (1, 3):
        ran.clear()
        assert files_line_hashes(files, jobs=jobs, meanwhile=lambda: ran.append(os.getpid())) == [
            fingerprints.file_line_hashes(path, lines=lines) for path, lines in files
        ]
        assert ran == [os.getpid()]


def test_a_small_run_hashes_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork(*arguments: object) -> None:
        raise AssertionError("forked")

    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    monkeypatch.setattr(parallel, "in_processes", no_fork)
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\n" * 200)
    # Far fewer lines than two processes' worth, in many files or in one.
    few = [(str(path), {5})] * 100
    assert 2 * fingerprints.LINES_PER_PROCESS > 100 * (5 + fingerprints._FILE_COST)
    assert len(files_line_hashes(few, jobs=None)) == 100
    assert files_line_hashes(few, jobs=1) == files_line_hashes(few, jobs=None)
    finding = Finding("IB101", "n", Severity.ERROR, str(path), Span(150, 1, 150, 2), "m", "f")
    _log([finding] * 3, ReportContext(1), None)


def test_portions_keep_the_order_and_balance_the_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "usable_cpus", lambda: 4)
    items = list(range(10))
    sizes = [100, 1, 1, 1, 1, 1, 1, 1, 1, 92]
    assert portions(items, 2, sizes) == [[0], [1, 2, 3, 4, 5, 6, 7, 8, 9]]
    assert portions(items, 3) == [[0, 1, 2], [3, 4, 5, 6], [7, 8, 9]]
    assert portions(items, 1, sizes) == [items]
    assert portions(items[:2], 8) == [[0], [1]]  # never more portions than items
    assert portions([], None) == [[]]
    # Auto: one portion per ``per_process`` of the total size, at most one per CPU.
    assert len(portions(items, None, sizes, per_process=101)) == 1
    assert len(portions(items, None, sizes, per_process=100)) == 2
    assert len(portions(items, None, per_process=1)) == 4
    assert len(portions(items, None)) == 1  # MIN_FILES_PER_PROCESS items each by default
    for jobs in (2, 3, 4, None):
        parts = portions(items, jobs, sizes, per_process=10)
        assert [item for part in parts for item in part] == items and all(parts)
