"""The benchmarks' generator (benchmarks/generate.py) writes definitions iblint reads: every
generated file gives resources, every odd-numbered definition has findings and every even one
none, in each format; the same seed gives the same bytes. Nothing here is timed."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from iblint import check_paths

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
COUNT = 12


def _benchmark_module(name: str) -> ModuleType:
    if str(BENCHMARKS) not in sys.path:
        sys.path.insert(0, str(BENCHMARKS))
    return importlib.import_module(name)


generate = _benchmark_module("generate")


def _resources(path: Path) -> list[object]:
    from iblint.loading import load_path

    return list(load_path(path, path.name).resources)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("generated")
    # A plan of about 80 KB holds several stacks.
    folders: dict[str, Path] = generate.write(out, COUNT, plan_bytes=80_000)
    return folders


@pytest.mark.parametrize("form", ["cfn", "cfnjson", "cli", "tf", "toe"])
def test_every_file_gives_resources_and_one_in_two_has_findings(
    generated: dict[str, Path], form: str
) -> None:
    files = sorted(generated[form].iterdir())
    assert len(files) == COUNT
    for file in files:
        assert _resources(file), f"{file.name}: no resources"
    report = check_paths([generated[form]], root=generated[form])
    with_findings = {finding.path for finding in report.findings}
    odd = {file.name for file in files if int(re.findall(r"\d+", file.name)[-1]) % 2}
    assert with_findings == odd
    # Only policy findings: nothing the input itself is blamed for (IB0xx).
    assert not [finding for finding in report.findings if finding.rule_id.startswith("IB0")]


def test_the_plan_has_one_stack_in_two_with_findings(generated: dict[str, Path]) -> None:
    plan = generated["plan"] / "tfplan.json"
    text = plan.read_text(encoding="utf-8")
    assert text.count("\n") == 1, "single-line, as terraform show -json prints it"
    stacks = set(re.findall(r'"module\.stack_(\d+)"', text))
    assert len(stacks) >= 4
    assert len(_resources(plan)) >= 4 * len(stacks)  # five Image Builder resources a stack
    findings = check_paths([plan], root=plan.parent).findings
    flagged = {int(number) for f in findings for number in re.findall(r"stack_(\d+)", f.message)}
    assert flagged == {int(number) for number in stacks if int(number) % 2}


def test_the_violations_cover_every_kind() -> None:
    assert {generate.violation(index) for index in range(0, 200, 2)} == {None}
    assert {generate.violation(index) for index in range(1, 200, 2)} == set(generate.VIOLATIONS)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    first = generate.write(tmp_path / "a", 3, seed=7, plan_bytes=10_000)
    second = generate.write(tmp_path / "b", 3, seed=7, plan_bytes=10_000)
    for form, folder in first.items():
        names = sorted(path.name for path in folder.iterdir())
        assert names == sorted(path.name for path in second[form].iterdir())
        for name in names:
            assert (folder / name).read_bytes() == (second[form] / name).read_bytes()
    assert generate.template(1, seed=7) != generate.template(1, seed=8)


def test_templates_are_the_size_of_real_stacks() -> None:
    """About 4 KiB and 140 lines of YAML, as the README's Speed figures assume."""
    text = generate.to_yaml(generate.template(0))
    assert 3_500 < len(text) < 4_800
    assert 120 < text.count("\n") < 170


def _paired(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    walls: list[float],
    pairs: int | None = None,
) -> list[str]:
    """What :func:`paired_ratios` runs for a plan case and a ``json.loads`` case of 3 runs
    each, the runs taking ``walls`` in turn (denominator, numerator, ...)."""
    bench = _benchmark_module("bench")
    measure = _benchmark_module("measure")
    taken = iter(walls)
    ran: list[str] = []

    def run_once(command: list[str], cwd: Path, environment: dict[str, str]) -> object:
        ran.append("loads" if "-c" in command else "plan")
        return measure.Measurement(next(taken), 0.0, None, 0, b"", b"")

    monkeypatch.setattr(bench, "run_once", run_once)
    cases = [
        bench.Case("plan20", "plan", ["plan.json"], [], 3),
        bench.Case("json-loads", "loads", ["-c", "pass"], [], 3, program="python"),
    ]
    bench.paired_ratios(cases, "iblint", tmp_path, {}, pairs)
    return ran


def test_target_ratios_are_taken_from_alternating_pairs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each pair runs the denominator, then the numerator, and the ratio is the pair's: a
    slow machine in one pair moves that pair alone."""
    ran = _paired(tmp_path, monkeypatch, [0.5, 1.0, 1.0, 3.0, 0.5, 1.25])  # loads, plan; ...
    assert ran == ["loads", "plan"] * 3
    assert capsys.readouterr().out.splitlines() == [
        "plan20 / json-loads in 3 alternating pairs: median 2.50x, lowest 2.00x, highest 3.00x;"
        " best of each 2.00x"
    ]


def test_target_ratios_take_as_many_pairs_as_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The best of each is the fastest numerator over the fastest denominator of the pairs,
    whichever pairs they were in."""
    walls = [0.5, 1.5, 0.4, 1.6, 0.6, 1.2, 0.5, 1.4, 0.5, 1.5]
    ran = _paired(tmp_path, monkeypatch, walls, pairs=5)
    assert ran == ["loads", "plan"] * 5
    assert capsys.readouterr().out.splitlines() == [
        "plan20 / json-loads in 5 alternating pairs: median 3.00x, lowest 2.00x, highest 4.00x;"
        " best of each 3.00x"
    ]
