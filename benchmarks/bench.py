#!/usr/bin/env python3
"""Wall-clock timing of ``iblint check`` on generated Image Builder definitions.

Generates definitions with ``../shared/bench/gen.py`` into a temporary directory, then runs the
installed ``iblint`` console script in a subprocess (as pre-commit and CI do) on:

- one CloudFormation YAML template (what a pre-commit run on one changed file costs),
- 200 and 1000 CloudFormation YAML templates (time per MB shows whether cost is linear),
- 200 CloudFormation JSON templates and 200 CLI-input JSON documents;
- 1 and 200 Terraform files: the CloudFormation templates converted by ``cfn_to_terraform.py``.

Prints the best and the median of N runs, with input sizes. Asserts nothing: the numbers are
for people (the README's Speed section). If ``cfn-lint`` is on PATH it is timed on the same
CloudFormation inputs for scale; it is never installed by this script.

    python benchmarks/bench.py [--runs 7] [--shared ../shared] [--iblint PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cfn_to_terraform import convert_directory

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared"


class Case(NamedTuple):
    label: str
    paths: list[Path]
    runs: int


def generate(gen: Path, out: Path, count: int) -> None:
    subprocess.run([sys.executable, str(gen), str(out), str(count)], check=True)


def subset(source: Path, target: Path, count: int) -> Path:
    """The first ``count`` files of ``source`` (sorted), hard-linked (or copied) into ``target``."""
    target.mkdir(parents=True)
    files = sorted(source.iterdir())[:count]
    if len(files) < count:
        raise SystemExit(f"{source} has only {len(files)} files, {count} wanted")
    for file in files:
        try:
            os.link(file, target / file.name)
        except OSError:
            shutil.copyfile(file, target / file.name)
    return target


def input_size(paths: Sequence[Path]) -> tuple[int, int, int]:
    """Files, bytes and lines under ``paths``."""
    files = bytes_ = lines = 0
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file():
                data = file.read_bytes()
                files += 1
                bytes_ += len(data)
                lines += data.count(b"\n")
    return files, bytes_, lines


def clean_environment() -> dict[str, str]:
    """The caller's environment minus what would make runs unlike a real install's."""
    environment = dict(os.environ)
    # .pyc files are written and used on a real install; without them every run recompiles.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    for name in (
        "PYTHONPROFILEIMPORTTIME",
        "PYTHONDEVMODE",
        "PYTHONTRACEMALLOC",
        "COVERAGE_PROCESS_START",
    ):
        environment.pop(name, None)
    environment["NO_COLOR"] = "1"
    return environment


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Timing(NamedTuple):
    wall: list[float]
    cpu: list[float]  # user + system CPU seconds: less disturbed by other load than wall time
    returncode: int
    last_line: str


def time_command(
    command: list[str], cwd: Path, environment: dict[str, str], runs: int, warm_up: bool = True
) -> Timing:
    """Times ``runs`` runs, after one untimed run (which also writes the .pyc caches)."""
    if warm_up:
        subprocess.run(command, cwd=cwd, env=environment, capture_output=True)
    wall, cpu = [], []
    result = None
    for _ in range(runs):
        cpu_before = _children_cpu()
        start = time.perf_counter()
        result = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True)
        wall.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - cpu_before)
    assert result is not None
    lines = (result.stdout.strip() or result.stderr.strip()).splitlines()
    return Timing(wall, cpu, result.returncode, lines[-1] if lines else "")


def find_iblint(given: str | None) -> str:
    if given:
        return given
    beside = Path(sys.executable).with_name("iblint")
    if beside.exists():
        return str(beside)
    found = shutil.which("iblint")
    if found is None:
        raise SystemExit("no iblint console script found; install iblint or pass --iblint PATH")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared folder (bench/gen.py)"
    )
    parser.add_argument("--iblint", help="the iblint executable (default: beside this Python)")
    parser.add_argument(
        "--cfn-lint", help="the cfn-lint executable (default: cfn-lint on PATH, if there is one)"
    )
    parser.add_argument("--no-cfn-lint", action="store_true", help="skip cfn-lint even if found")
    args = parser.parse_args(argv)

    gen = args.shared / "bench" / "gen.py"
    if not gen.is_file():
        raise SystemExit(f"{gen} not found; pass --shared DIR")
    iblint = find_iblint(args.iblint)
    environment = clean_environment()
    python = Path(iblint).resolve().parent / "python"
    cfn_lint = None if args.no_cfn_lint else (args.cfn_lint or shutil.which("cfn-lint"))

    with tempfile.TemporaryDirectory(prefix="iblint-bench-") as temporary:
        work = Path(temporary)
        generated = work / "generated"
        generate(gen, generated, 1000)
        sets = work / "sets"
        one = subset(generated / "cfn", sets / "one", 1)
        cases = [
            Case("1 CFN YAML template (a pre-commit run)", [next(one.iterdir())], args.runs),
            Case(
                "200 CFN YAML templates",
                [subset(generated / "cfn", sets / "cfn200", 200)],
                args.runs,
            ),
            Case(
                "1000 CFN YAML templates",
                [subset(generated / "cfn", sets / "cfn1000", 1000)],
                max(3, args.runs // 2),
            ),
            Case(
                "200 CFN JSON templates",
                [subset(generated / "cfnjson", sets / "cfnjson200", 200)],
                args.runs,
            ),
            Case(
                "200 CLI-input JSON documents",
                [subset(generated / "cli", sets / "cli200", 200)],
                args.runs,
            ),
        ]
        # Terraform: the same templates converted, so the same settings and violations.
        terraform = work / "terraform"
        convert_directory(sets / "cfn200", terraform / "tf200")
        convert_directory(one, terraform / "one")
        cases += [
            Case(
                "1 Terraform file (a pre-commit run)",
                [next((terraform / "one").iterdir())],
                args.runs,
            ),
            Case("200 Terraform files", [terraform / "tf200"], args.runs),
        ]

        print(f"iblint: {iblint}")
        print(f"python: {sys.version.split()[0]} on {os.cpu_count()} CPUs; best/median of N runs")
        if python.exists():
            startup = time_command([str(python), "-c", "pass"], work, environment, args.runs)
            print(f"interpreter start alone (python -c pass): best {min(startup.wall):.3f} s")
        print()
        header = (
            f"{'case':<40} {'files':>5} {'KiB':>7} {'lines':>7} {'best s':>7} {'median s':>8} "
            f"{'cpu s':>6} {'ms/MiB':>7}  result"
        )
        print(header)
        print("-" * len(header))
        rows: list[tuple[str, list[str], list[Path], int, int]] = []
        bests: list[float] = []
        for case in cases:
            files, size, lines = input_size(case.paths)
            command = [iblint, "check", "--no-config", *[str(path) for path in case.paths]]
            timing = time_command(command, work, environment, case.runs)
            best, median = min(timing.wall), statistics.median(timing.wall)
            per_mib = median / (size / 2**20) * 1000
            print(
                f"{case.label:<40} {files:>5} {size / 1024:>7.0f} {lines:>7} {best:>7.3f} "
                f"{median:>8.3f} {min(timing.cpu):>6.3f} {per_mib:>7.0f}  "
                f"exit {timing.returncode}: {timing.last_line}"
            )
            rows.append((case.label, command, case.paths, case.runs, size))
            bests.append(best)

        # Linearity: what more templates cost per MiB (best times), start-up excluded. Linear
        # cost gives the same figure for the first 199 extra templates and the next 800.
        print()
        for low, high in ((0, 1), (1, 2)):
            extra_seconds = bests[high] - bests[low]
            extra_mib = (rows[high][4] - rows[low][4]) / 2**20
            print(
                f"marginal cost, {rows[low][0].split(' (')[0]} -> {rows[high][0]}: "
                f"{extra_seconds / extra_mib * 1000:.0f} ms/MiB"
            )

        if cfn_lint:
            # cfn-lint is slow (seconds per run): one file three times, 200 templates once.
            print()
            print(f"cfn-lint ({cfn_lint}), same inputs, for scale:")
            for (label, _, paths, _, _), runs in zip(rows[:2], (min(3, args.runs), 1), strict=True):
                arguments = [
                    str(file)
                    for path in paths
                    for file in (sorted(path.iterdir()) if path.is_dir() else [path])
                ]
                timing = time_command(
                    [cfn_lint, "--", *arguments], work, environment, runs, warm_up=False
                )
                print(
                    f"{label:<40} best {min(timing.wall):.3f} s, median "
                    f"{statistics.median(timing.wall):.3f} s, cpu {min(timing.cpu):.3f} s "
                    f"(exit {timing.returncode})"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
