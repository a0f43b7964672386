"""Several processes (``jobs``) give exactly the report one process gives."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from iblint import check_paths
from iblint.config import Config, ConfigError
from iblint.discover import discover
from iblint.engine import Report
from iblint.parallel import MIN_FILES_PER_PROCESS, in_processes, shares

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

COMPONENT = "arn:aws:imagebuilder:us-east-1:123456789012:component/hardening/1.0.0/1"
TEMPLATE = """\
Resources:
  Recipe:
    Type: AWS::ImageBuilder::ImageRecipe
    Properties:
      Name: r{index}
      Version: 1.0.0
      ParentImage: ami-0123456789abcdef0
      Components:
        - ComponentArn: {arn}{comment}
  Infra:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: i{index}
      InstanceProfileName: p
      InstanceMetadataOptions:
        HttpTokens: {tokens}
"""
MODULE = """\
resource "aws_imagebuilder_infrastructure_configuration" "this" {
  name                  = "i"
  instance_profile_name = "p"
  instance_metadata_options {
    http_tokens = var.tokens
  }
}
"""
VARIABLES = 'variable "tokens" {\n  default = "optional"\n}\n'


def _project(root: Path, files: int) -> Path:
    """Templates (some with findings, some suppressed), a Terraform module whose variable
    is in another file, and a catalog that is read last, in a share of its own."""
    for index in range(files):
        comment = "  # iblint: ignore IB401 until the next release" if index % 7 == 0 else ""
        tokens = "optional" if index % 2 else "required"
        text = TEMPLATE.format(index=index, arn=COMPONENT, comment=comment, tokens=tokens)
        (root / f"t{index:04}.yaml").write_text(text)
    module = root / "m-module"
    module.mkdir()
    (module / "main.tf").write_text(MODULE)
    (module / "variables.tf").write_text(VARIABLES)
    catalog = {"component": {"arn": COMPONENT, "name": "h", "state": {"status": "DEPRECATED"}}}
    (root / "z-catalog.json").write_text(json.dumps(catalog))
    return root


def _report(root: Path, jobs: int | None) -> Report:
    return check_paths([str(root)], Config(jobs=jobs))


def _same(one: Report, other: Report) -> None:
    assert other.findings == one.findings
    assert other.suppressed == one.suppressed
    assert other.files_checked == one.files_checked


@pytest.mark.parametrize("jobs", [2, 3, None])
def test_several_processes_report_what_one_does(tmp_path: Path, jobs: int | None) -> None:
    root = _project(tmp_path, 3 * MIN_FILES_PER_PROCESS)
    one = _report(root, 1)
    rules = {finding.rule_id for finding in one.findings}
    assert {"IB101", "IB401"} <= rules and one.suppressed  # the project exercises them
    assert any("m-module" in finding.path for finding in one.findings)
    _same(one, _report(root, jobs))


@pytest.mark.parametrize("root", [CORPUS, EXAMPLES], ids=["corpus", "examples"])
def test_real_files_give_the_same_report_in_several_processes(root: Path) -> None:
    if not root.is_dir():
        pytest.skip(f"{root} is not here")
    _same(_report(root, 1), _report(root, 4))


def _module_project(root: Path, files: int, reads_a_file: bool) -> Path:
    """A Terraform module of many files whose infrastructure configurations take http_tokens
    from a variable declared in variables.tf; with ``reads_a_file``, a component also reads
    a document (with a typo) of the folder through file()."""
    module = root / "module"
    module.mkdir()
    (module / "variables.tf").write_text(VARIABLES)
    for index in range(files):
        (module / f"infra{index:03}.tf").write_text(MODULE.replace('"this"', f'"i{index}"'))
    if reads_a_file:
        (module / "component.tf").write_text(
            'resource "aws_imagebuilder_component" "c" {\n  name     = "c"\n'
            '  platform = "Linux"\n  version  = "1.0.0"\n  data     = file("doc.yaml")\n}\n'
        )
        (module / "doc.yaml").write_text(
            "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n      - name: Probe\n"
            "        action: ExecuteBashh\n        inputs:\n          commands:\n"
            "            - uname -r\n"
        )
    return root


def _folders_per_share(root: Path) -> list[set[str]]:
    files = list(discover([str(root)]))
    parts = [list(part) for part in shares(files, 2)]
    assert [source for part in parts for source in part] == files  # the walk's order
    return [{source.path.parent.name for source in part} for part in parts]


def test_a_module_whose_files_read_files_is_never_split(tmp_path: Path) -> None:
    root = _module_project(tmp_path, 2 * MIN_FILES_PER_PROCESS, reads_a_file=True)
    assert _folders_per_share(root) == [{"module"}]
    one = _report(root, 1)
    typos = [finding for finding in one.findings if finding.path.endswith("doc.yaml")]
    assert len(typos) == 1  # read once, through file()
    _same(one, _report(root, 2))


def test_a_module_whose_files_read_no_file_is_split_with_the_same_report(
    tmp_path: Path,
) -> None:
    root = _module_project(tmp_path, 2 * MIN_FILES_PER_PROCESS, reads_a_file=False)
    assert _folders_per_share(root) == [{"module"}, {"module"}]
    one = _report(root, 1)
    # Every configuration's http_tokens comes from variables.tf, another file of the module.
    assert sum(finding.rule_id == "IB101" for finding in one.findings) == 2 * MIN_FILES_PER_PROCESS
    _same(one, _report(root, 2))


def test_a_small_run_stays_in_one_process_and_a_stream_stays_a_stream(tmp_path: Path) -> None:
    for index in range(2 * MIN_FILES_PER_PROCESS - 1):
        (tmp_path / f"a{index}.yaml").write_text("{}")
    assert len(shares(list(discover([str(tmp_path)])), None)) == 1
    stream = discover([str(tmp_path)])
    (only,) = shares(stream, 1)
    assert only is stream


def test_texts_are_shared_out_as_files_are_with_the_same_report() -> None:
    from iblint.engine import TextSource, check_files

    sources = [
        TextSource(
            TEMPLATE.format(index=index, arn=COMPONENT, comment="", tokens="optional"),
            f"t{index}.yaml",
        )
        for index in range(3 * MIN_FILES_PER_PROCESS)
    ]
    assert len(shares(sources, 4)) == 4
    one = check_files(sources, Config(jobs=1))
    assert {finding.path for finding in one.findings if finding.rule_id == "IB101"} == {
        source.name for source in sources
    }
    _same(one, check_files(sources, Config(jobs=4)))


def test_a_share_whose_process_fails_is_worked_here() -> None:
    parent = os.getpid()

    def work(part: Iterable[int]) -> list[int]:
        numbers = list(part)
        if os.getpid() != parent and numbers[0] == 3:
            os._exit(3)  # this child dies; its share is worked again by the parent
        return numbers

    assert in_processes([[1, 2], [3, 4], [5]], work) == [[1, 2], [3, 4], [5]]


def test_a_share_whose_process_raises_is_worked_here_and_raises_here() -> None:
    def work(part: Iterable[int]) -> list[int]:
        numbers = list(part)
        if numbers == [3]:
            raise ValueError("a bug")
        return numbers

    with pytest.raises(ValueError, match="a bug"):
        in_processes([[1], [3]], work)


@pytest.mark.parametrize("jobs", [0, -1, 65, True, 1.5, "2"])
def test_jobs_must_be_a_whole_number_in_range(jobs: object) -> None:
    with pytest.raises(ConfigError, match="jobs"):
        Config(jobs=jobs)  # type: ignore[arg-type]


def test_an_example_project_copied_many_times_gives_each_copy_its_findings(
    tmp_path: Path,
) -> None:
    if not EXAMPLES.is_dir():
        pytest.skip("no examples")
    for index in range(4):
        shutil.copytree(EXAMPLES, tmp_path / f"copy{index}")
    one, several = _report(tmp_path, 1), _report(tmp_path, 2)
    _same(one, several)
    per_copy = {
        index: sum(f"copy{index}/" in finding.path for finding in several.findings)
        for index in range(4)
    }
    assert len(set(per_copy.values())) == 1 and per_copy[0] > 0


def test_build_keeps_or_sets_jobs() -> None:
    assert Config.build(jobs=3).jobs == 3
    assert Config.build(base=Config.build(jobs=3), select="IB1").jobs == 3
    assert Config.build().jobs is None


def test_the_jobs_option_gives_the_same_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from iblint.cli import main

    _project(tmp_path, 3 * MIN_FILES_PER_PROCESS)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for jobs in ("1", "2"):
        assert main(["check", "--no-config", "--jobs", jobs, "."]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "IB401" in outputs[0]


@pytest.mark.parametrize("value", ["0", "65", "two"])
def test_a_bad_jobs_value_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    from iblint.cli import main

    assert main(["check", "--no-config", "--jobs", value, "."]) == 2
    assert "--jobs" in capsys.readouterr().err


def _numbers(part: Iterable[int]) -> list[int]:
    return list(part)


@pytest.mark.parametrize("memfd", [True, False], ids=["in memory", "in the temporary folder"])
def test_without_a_temporary_file_every_share_is_worked_here(
    monkeypatch: pytest.MonkeyPatch, memfd: bool
) -> None:
    import tempfile

    def refused(*args: object) -> None:
        raise OSError(30, "Read-only file system")

    if memfd:
        monkeypatch.setattr(os, "memfd_create", refused)
    else:
        monkeypatch.delattr(os, "memfd_create", raising=False)
        monkeypatch.setattr(tempfile, "TemporaryFile", refused)
    assert in_processes([[1], [2], [3]], _numbers) == [[1], [2], [3]]


def _numbers_and_process(part: Iterable[int]) -> tuple[list[int], int]:
    return list(part), os.getpid()


def test_results_come_back_through_either_kind_of_temporary_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for kind in ("memory", "folder"):
        if kind == "folder":
            monkeypatch.delattr(os, "memfd_create", raising=False)
        results = in_processes([[1], [2, 3], [4]], _numbers_and_process)
        assert [numbers for numbers, _ in results] == [[1], [2, 3], [4]]
        processes = [process for _, process in results]
        assert processes[0] == os.getpid() and len(set(processes)) == 3  # two forked ones


def test_without_a_process_every_share_is_worked_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert in_processes([[1], [2], [3]], _numbers) == [[1], [2], [3]]


def test_a_process_with_threads_is_not_forked_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from iblint import parallel

    monkeypatch.setattr(parallel, "usable_cpus", lambda: 2)
    for index in range(4 * MIN_FILES_PER_PROCESS):
        (tmp_path / f"a{index}.yaml").write_text("{}")
    files = list(discover([str(tmp_path)]))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert len(shares(files, None)) == 1  # auto: no fork behind a library caller's back
        assert len(shares(files, 2)) == 2  # asked for
    finally:
        stop.set()
        other.join()
    assert len(shares(files, None)) == 2


class _Tree:
    """Something whose life a weak reference can watch."""


def _freed_as_dropped(leave: Callable[[object], None]) -> bool:
    """Whether what ``leave`` got is freed as soon as its last reference is dropped."""
    import weakref

    tree = _Tree()
    watched = weakref.ref(tree)
    leave(tree)
    del tree
    return watched() is None


def test_a_tree_is_left_to_the_exit_only_where_the_exit_frees_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    from iblint import parallel

    monkeypatch.setattr(parallel, "_LEFT_TO_EXIT", None)
    assert _freed_as_dropped(parallel.leave_to_exit)  # as an ordinary process does

    parallel.exit_frees_nothing()
    first, second = _Tree(), _Tree()
    watch_first, watch_second = weakref.ref(first), weakref.ref(second)
    parallel.leave_to_exit(first)
    parallel.leave_to_exit(second)
    del first, second
    assert watch_first() is None  # one tree at most is held
    assert watch_second() is not None
    parallel.leave_to_exit(None)
    assert watch_second() is None


def test_a_document_is_held_beside_the_tree_one_at_most_and_let_go_with_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    from iblint import parallel

    monkeypatch.setattr(parallel, "_LEFT_TO_EXIT", None)
    assert _freed_as_dropped(parallel.leave_document)  # as an ordinary process does

    parallel.exit_frees_nothing()
    first, document, tree, second = _Tree(), _Tree(), _Tree(), _Tree()
    watches = [weakref.ref(each) for each in (first, document, tree, second)]
    parallel.leave_document(first)
    parallel.leave_document(document)  # one document at most: the first goes
    parallel.leave_to_exit(tree)  # beside it
    del first, document, tree
    assert [watch() is not None for watch in watches[:3]] == [False, True, True]
    parallel.leave_to_exit(second)  # the next tree: the document stays
    assert [watch() is not None for watch in watches[1:3]] == [True, False]
    del second
    parallel.leave_to_exit(None)  # the next file
    assert [watch() for watch in watches] == [None] * 4


def test_a_loaded_files_document_is_left_to_an_exit_that_frees_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from iblint import parallel
    from iblint.loading import load_text
    from iblint.model import Mapping

    text = '{"Resources": {"R": {"Type": "AWS::ImageBuilder::ImageRecipe", "Properties": {}}}}'
    monkeypatch.setattr(parallel, "_LEFT_TO_EXIT", None)
    load_text(text, "template.json")
    assert parallel._LEFT_TO_EXIT is None
    parallel.exit_frees_nothing()
    loaded = load_text(text, "template.json")
    assert loaded.resources
    [left] = parallel._LEFT_TO_EXIT or [None]
    documents = getattr(left, "tree", None)
    assert isinstance(documents, list) and isinstance(documents[0], Mapping)
    assert documents[0].get("Resources") is not None


def test_loads_outside_a_check_hold_one_document_at_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A command that loads file after file without the engine (``iblint components``) must
    not keep every file's document to its exit: memory stays flat."""
    from iblint import parallel
    from iblint.loading import load_text

    text = '{"Resources": {"R": {"Type": "AWS::ImageBuilder::ImageRecipe", "Properties": {}}}}'
    monkeypatch.setattr(parallel, "_LEFT_TO_EXIT", None)
    parallel.exit_frees_nothing()
    for _ in range(5):
        load_text(text, "template.json")
    assert len(parallel._LEFT_TO_EXIT or []) == 1


_LEFT_AFTER_A_CHECK = """
import gc, sys
from iblint import check_paths, parallel
if sys.argv[2] == "exits":
    parallel.exit_frees_nothing()
report = check_paths([sys.argv[1]])
print(len(report.findings), gc.get_freeze_count() > 0, bool(parallel._LEFT_TO_EXIT), gc.isenabled())
"""


@pytest.mark.parametrize("how", ["exits", "returns"])
def test_the_last_tree_is_left_to_an_exit_that_frees_nothing_and_the_report_is_the_same(
    tmp_path: Path, how: str
) -> None:
    import subprocess
    import sys

    examples = Path(__file__).resolve().parents[1] / "examples"
    shown = subprocess.run(
        [sys.executable, "-c", _LEFT_AFTER_A_CHECK, str(examples), how],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert shown[0] == str(len(check_paths([str(examples)]).findings))
    # Kept, and out of the collector's sight, only where the exit frees nothing; the
    # collector runs again either way.
    assert shown[1:] == (["True", "True", "True"] if how == "exits" else ["False", "False", "True"])


def test_the_command_leaves_its_trees_to_its_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    from iblint import cli, parallel

    monkeypatch.setattr(parallel, "_LEFT_TO_EXIT", None)
    monkeypatch.setattr(cli, "main", lambda: 0)

    def left(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(cli.os, "_exit", left)
    with pytest.raises(SystemExit):
        cli.run()
    assert parallel._LEFT_TO_EXIT == []


def test_shares_taken_in_turn_are_each_worked_once_and_come_back_in_order() -> None:
    """Fewer processes than shares: each process takes the next share as it finishes one
    (the slow one here takes fewer), every share is worked once, in some process, and the
    results come back in the shares' order; ``first`` runs here before a share is."""
    import time

    parent = os.getpid()
    events: list[str] = []

    def work(part: Iterable[int]) -> tuple[list[int], int]:
        numbers = list(part)
        if os.getpid() == parent:
            events.append(f"work {numbers[0]}")
            time.sleep(0.05)  # this process is the slow one
        return numbers, os.getpid()

    parts = [[number] for number in range(12)]
    results = in_processes(parts, work, 2, first=lambda: events.append("first"))
    assert [numbers for numbers, _ in results] == parts
    workers = [pid for _, pid in results]
    assert set(workers) - {parent}  # a forked process took some
    assert workers.count(parent) < 6  # and, being faster, more than this one
    assert events[0] == "first"


def test_a_process_that_fails_while_taking_shares_leaves_them_to_be_worked_here() -> None:
    parent = os.getpid()

    def work(part: Iterable[int]) -> list[int]:
        numbers = list(part)
        if os.getpid() != parent and numbers[0] % 3 == 0:
            os._exit(3)  # the child dies with the shares it took
        return numbers

    parts = [[number] for number in range(9)]
    assert in_processes(parts, work, 2) == parts


def test_a_share_taken_in_turn_that_raises_raises_here() -> None:
    def work(part: Iterable[int]) -> list[int]:
        numbers = list(part)
        if numbers == [5]:
            raise ValueError("a bug")
        return numbers

    with pytest.raises(ValueError, match="a bug"):
        in_processes([[number] for number in range(8)], work, 2)


def test_a_large_run_is_handed_out_in_small_shares_with_the_same_report(tmp_path: Path) -> None:
    from iblint.parallel import SHARES_PER_PROCESS, handed_out

    for index in range(6):
        shutil.copytree(EXAMPLES, tmp_path / f"copy{index}")
    files = list(discover([str(tmp_path)], root=tmp_path))
    chunks, processes = handed_out(files, 2)
    assert processes == 2
    assert 2 < len(chunks) <= 2 * SHARES_PER_PROCESS
    assert [source for chunk in chunks for source in chunk] == files  # in the walk's order
    one = check_paths([str(tmp_path)], Config(jobs=1), root=tmp_path)
    two = check_paths([str(tmp_path)], Config(jobs=2), root=tmp_path)
    assert two.findings == one.findings
    assert two.suppressed == one.suppressed
    assert two.files_checked == one.files_checked


def test_never_more_shares_than_can_be_taken_in_turn() -> None:
    """Many processes and many files: 16 shares a process would be 1,024 at 64 processes,
    more than the pipe's bytes can name (which once fell back to a process a share)."""
    from iblint.parallel import MAX_SHARES, handed_out, portions_in_turn

    chunks, processes = handed_out(list(range(20_000)), 64)
    assert processes == 64 and 64 <= len(chunks) <= MAX_SHARES
    cut, processes = portions_in_turn(list(range(20_000)), 64, [1] * 20_000, 1, 1)
    assert processes == 64 and 64 <= len(cut) <= MAX_SHARES
    with pytest.raises(ValueError, match="taken in turn"):
        in_processes([[number] for number in range(MAX_SHARES + 1)], _numbers, 2)
