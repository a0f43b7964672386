#!/usr/bin/env python3
"""Time and peak memory of ``iblint check`` on generated Image Builder definitions.

Generates definitions with ``generate.py`` (beside this script) into a temporary folder, then
runs the ``iblint`` console script in a fresh subprocess per measurement (as pre-commit and CI
do, interpreter start included) on:

- one CloudFormation YAML template (what a pre-commit run on one changed file costs);
- 40, 200, 1000 and 5000 CloudFormation YAML templates (linear cost, flat memory), and 40,
  200 and 1000 again with ``--jobs 1`` (one process): where checking in several processes
  pays off and where it does not;
- 200 CloudFormation JSON templates and 200 ``--cli-input-json`` requests;
- 1 and 200 Terraform files (the same templates, converted by ``cfn_to_terraform.py``);
- 1000 templates with ``--format sarif -o FILE``, to set against the text run;
- a 20 MiB single-line Terraform plan, with the default options (checked in parts by several
  processes), with ``--jobs 1`` and with the size limit raised (``--plan-option``), and
  ``json.loads`` of the same file in a fresh interpreter for scale;
- ``python -c pass`` with iblint's interpreter: the floor for any run.

Each case is run N times after an untimed warm-up run (which writes the .pyc caches); the
table shows the best wall time, the CPU time of that run, and the peak resident memory of the
process (``ru_maxrss`` from ``os.wait4``, median of the runs). The machine may be shared:
best-of-N is the figure least disturbed by other load. ``--compare OTHER_IBLINT`` times a second
executable on the same inputs, alternating runs, and adds a ratio column. The target ratios
(the plan against ``json.loads``, SARIF against text) are then measured again from
``--pairs`` runs of their two cases taken in turn. Asserts nothing.

    python benchmarks/bench.py [--runs 5] [--pairs 9] [--quick] [--only NAME[,NAME]]
                               [--iblint PATH] [--compare PATH] [--generator own|shared]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate
from cfn_to_terraform import convert_directory
from measure import GNU_TIME, Measurement, measure

REPO = Path(__file__).resolve().parents[1]
SHARED_GENERATOR = REPO.parent / "shared" / "bench" / "gen.py"
#: What ``--plan-option`` passes by default: a size limit above the 20 MiB plan.
RAISED_LIMIT = "IB003.max_bytes=67108864"
PLAN_MIB = 20.0


@dataclass
class Case:
    name: str
    label: str
    #: Arguments after the executable; ``{iblint}`` cases put ``check --no-config`` first.
    arguments: list[str]
    #: Inputs, for the size columns.
    inputs: list[Path]
    runs: int
    #: ``iblint`` runs the executable under test; ``python`` runs its interpreter.
    program: str = "iblint"
    notes: list[str] = field(default_factory=list)
    #: Options only the executable under test gets (``--jobs 1``: an older iblint runs in
    #: one process anyway and has no such option).
    own_options: list[str] = field(default_factory=list)


class Result(NamedTuple):
    samples: list[Measurement]

    @property
    def best(self) -> Measurement:
        return min(self.samples, key=lambda sample: sample.wall)

    @property
    def peak_mib(self) -> float:
        peaks = [sample.peak_kib for sample in self.samples if sample.peak_kib is not None]
        return statistics.median(peaks) / 1024 if peaks else float("nan")


def run_once(command: Sequence[str], cwd: Path, environment: dict[str, str]) -> Measurement:
    return measure(command, cwd, environment)


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
        "PYTHONMALLOC",
        "COVERAGE_PROCESS_START",
    ):
        environment.pop(name, None)
    environment["NO_COLOR"] = "1"
    return environment


def find_iblint(given: str | None) -> str:
    if given:
        found = shutil.which(given)
        if found is None:
            raise SystemExit(f"{given}: not an executable")
        return str(Path(found).absolute())
    beside = Path(sys.executable).with_name("iblint")
    if beside.exists():
        return str(beside)
    found = shutil.which("iblint")
    if found is None:
        raise SystemExit("no iblint console script found; install iblint or pass --iblint PATH")
    return found


def interpreter_of(executable: str) -> str:
    """The Python a console script runs under (its ``#!`` line), else this one."""
    try:
        with open(executable, "rb") as script:
            first = script.readline().decode("utf-8", "replace")
    except OSError:
        return sys.executable
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    return sys.executable


def version_of(executable: str, environment: dict[str, str]) -> str:
    result = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, env=environment, check=False
    )
    return (result.stdout.strip() or result.stderr.strip() or "?").splitlines()[-1]


# --- Inputs ---------------------------------------------------------------------------------

CASE_NAMES = (
    "start",
    "cfn1",
    "cfn40",
    "cfn40-jobs1",
    "cfn200",
    "cfn200-jobs1",
    "cfn1000",
    "cfn1000-jobs1",
    "cfn5000",
    "cfnjson200",
    "cli200",
    "tf1",
    "tf200",
    "sarif1000",
    "plan20",
    "plan20-jobs1",
    "plan20-checked",
    "json-loads",
)


def templates_needed(selected: set[str]) -> int:
    """How many CloudFormation YAML templates the selected cases need."""
    for name, count in (("cfn5000", 5000), ("cfn1000", 1000), ("sarif1000", 1000)):
        if name in selected:
            return count
    return 200


def generate_inputs(work: Path, generator: str, seed: int, selected: set[str]) -> Path:
    """Writes the CloudFormation YAML templates the cases need and 200 of every other format
    into ``work/generated``, and the plan if a case needs it; returns that folder."""
    out = work / "generated"
    count = templates_needed(selected)
    if generator == "shared":
        # The shared generator writes count/2 JSON templates; 200 are needed.
        count = max(count, 400)
        subprocess.run([sys.executable, str(SHARED_GENERATOR), str(out), str(count)], check=True)
        (out / "cli").rename(out / "cli-all")
        subset(out / "cli-all", out / "cli", 200)
        convert_directory(subset(out / "cfn", work / "cfn200-for-tf", 200), out / "tf")
    else:
        generate.write(out, count, seed, ["cfn"])
        generate.write(out, 200, seed, ["cfnjson", "cli", "tf"])
    if selected & {"plan20", "plan20-jobs1", "plan20-checked", "json-loads"}:
        generate.write(out, 0, seed, ["plan"], int(PLAN_MIB * 2**20))
    # One small file of each format, for the warm-up run that writes every .pyc.
    warm = work / "warm-up"
    warm.mkdir()
    for folder in ("cfn", "cfnjson", "cli", "tf"):
        first = sorted((out / folder).iterdir())[0]
        shutil.copyfile(first, warm / f"{folder}-{first.name}")
    (warm / "tfplan.json").write_text(generate.plan(1, seed), encoding="utf-8")
    return out


def build_cases(
    work: Path,
    generated: Path,
    selected: set[str],
    runs: int,
    big_runs: int,
    plan_option: str,
) -> list[Case]:
    """The selected cases, in table order; inputs are linked into ``work/sets``."""
    sets = work / "sets"

    def templates(count: int) -> Path:
        target = sets / f"cfn{count}"
        return target if target.exists() else subset(generated / "cfn", target, count)

    plan = generated / "plan" / "tfplan.json"
    loads = "import json, sys; json.loads(open(sys.argv[1], 'rb').read())"
    cases: list[Case] = []
    for name in CASE_NAMES:
        if name not in selected:
            continue
        if name == "start":
            case = Case(name, "interpreter start (`python -c pass`)", ["-c", "pass"], [], runs)
            case.program = "python"
        elif name == "cfn1":
            one = next(templates(1).iterdir())
            case = Case(name, "1 CFN YAML template (a pre-commit run)", [str(one)], [one], runs)
        elif name == "plan20-jobs1":
            case = Case(name, "20 MiB one-line plan, `--jobs 1`", [str(plan)], [plan], big_runs)
            case.own_options = ["--jobs", "1"]
        elif name.endswith("-jobs1"):
            count = int(name[3 : -len("-jobs1")])
            folder = templates(count)
            case = Case(
                name, f"{count} CFN YAML templates, `--jobs 1`", [str(folder)], [folder], runs
            )
            case.own_options = ["--jobs", "1"]
        elif name in ("cfn40", "cfn200", "cfn1000", "cfn5000"):
            count = int(name[3:])
            folder = generated / "cfn" if count == 5000 else templates(count)
            case = Case(
                name,
                f"{count} CFN YAML templates",
                [str(folder)],
                [folder],
                big_runs if count == 5000 else runs,
            )
        elif name in ("cfnjson200", "cli200", "tf200"):
            folder = generated / name[:-3]
            label = {
                "cfnjson200": "200 CFN JSON templates",
                "cli200": "200 CLI-input JSON requests",
                "tf200": "200 Terraform files",
            }[name]
            case = Case(name, label, [str(folder)], [folder], runs)
        elif name == "tf1":
            one_tf = next(subset(generated / "tf", sets / "tf1", 1).iterdir())
            case = Case(name, "1 Terraform file (a pre-commit run)", [str(one_tf)], [one_tf], runs)
        elif name == "sarif1000":
            folder = templates(1000)
            case = Case(
                name,
                "1000 CFN YAML templates, SARIF to a file",
                ["--format", "sarif", "-o", str(work / "out.sarif"), str(folder)],
                [folder],
                runs,
            )
        elif name == "plan20":
            case = Case(
                name, "20 MiB one-line plan, default options", [str(plan)], [plan], big_runs
            )
        elif name == "plan20-checked":
            case = Case(
                name,
                f"20 MiB one-line plan, `--option {plan_option}`",
                ["--option", plan_option, str(plan)],
                [plan],
                big_runs,
            )
        else:
            assert name == "json-loads"
            case = Case(
                name,
                "`json.loads` of the plan (fresh python)",
                ["-c", loads, str(plan)],
                [plan],
                big_runs,
            )
            case.program = "python"
        cases.append(case)
    return cases


# --- Running --------------------------------------------------------------------------------


def command_for(case: Case, iblint: str, under_test: bool = True) -> list[str]:
    if case.program == "python":
        return [interpreter_of(iblint), *case.arguments]
    own = case.own_options if under_test else []
    return [iblint, "check", "--no-config", *own, *case.arguments]


def size_text(case: Case) -> tuple[str, str]:
    if not case.inputs:
        return "", ""
    files, size, lines = input_size(case.inputs)
    unit = f"{size / 2**20:.1f} MiB" if size >= 2**20 else f"{size / 1024:.0f} KiB"
    return str(files), f"{unit}, {lines:,} lines"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per case (default 5)")
    parser.add_argument(
        "--big-runs", type=int, default=3, help="timed runs of the 5000-file and plan cases"
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=9,
        help="alternating pairs per target ratio (default 9; --quick: the runs)",
    )
    parser.add_argument("--quick", action="store_true", help="one timed run per case")
    parser.add_argument(
        "--only", action="append", default=[], help="cases to run, by name (comma-separated)"
    )
    parser.add_argument("--list", action="store_true", help="list the case names and exit")
    parser.add_argument("--iblint", help="the iblint executable (default: beside this Python)")
    parser.add_argument("--compare", help="a second iblint executable, timed on the same inputs")
    parser.add_argument(
        "--generator",
        choices=("own", "shared"),
        default="own",
        help="own: generate.py (default); shared: ../shared/bench/gen.py, if present",
    )
    parser.add_argument("--seed", type=int, default=generate.DEFAULT_SEED)
    parser.add_argument(
        "--plan-option",
        default=RAISED_LIMIT,
        help=f"the --option that lets the plan be checked (default {RAISED_LIMIT})",
    )
    parser.add_argument(
        "--cfn-lint", help="the cfn-lint executable (default: cfn-lint on PATH, if there is one)"
    )
    parser.add_argument("--no-cfn-lint", action="store_true", help="skip cfn-lint even if found")
    args = parser.parse_args(argv)

    if args.list:
        print(" ".join(CASE_NAMES))
        return 0
    runs, big_runs = (1, 1) if args.quick else (args.runs, args.big_runs)
    only = {name.strip() for value in args.only for name in value.split(",") if name.strip()}
    unknown = only - set(CASE_NAMES)
    if unknown:
        parser.error(f"unknown case names: {', '.join(sorted(unknown))} (see --list)")
    selected = only or set(CASE_NAMES)
    if args.generator == "shared" and not SHARED_GENERATOR.is_file():
        raise SystemExit(f"{SHARED_GENERATOR} not found; use --generator own")
    environment = clean_environment()
    executables = [find_iblint(args.iblint)]
    if args.compare:
        executables.append(find_iblint(args.compare))
    cfn_lint = None if args.no_cfn_lint else (args.cfn_lint or shutil.which("cfn-lint"))

    with tempfile.TemporaryDirectory(prefix="iblint-bench-") as temporary:
        work = Path(temporary)
        print("Generating inputs...", file=sys.stderr, flush=True)
        generated = generate_inputs(work, args.generator, args.seed, selected)
        cases = build_cases(work, generated, selected, runs, big_runs, args.plan_option)

        load = (
            Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
        )
        print(f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
        print(
            f"machine: {platform.machine()} {platform.system()} {platform.release()}, "
            f"{os.cpu_count()} CPUs, {cpu_model()}"
        )
        print(
            f"python: {platform.python_version()}; generator: {args.generator} (seed {args.seed})"
        )
        for letter, executable in zip("AB", executables, strict=False):
            print(f"iblint {letter}: {executable} ({version_of(executable, environment)})")
        print(
            f"best of {runs} runs ({big_runs} for 5000 files and the plan), each in a fresh "
            "process after a warm-up run; peak = max resident set size of the process (median), "
            + ("from GNU time" if GNU_TIME.exists() else "from a python -S wrapper (~7 MiB floor)")
        )
        if load:
            print(f"load average before: {' '.join(load)}")
        for executable in executables:
            command = [executable, "check", "--no-config", "--format", "sarif", "-o"]
            run_once([*command, str(work / "warm.sarif"), str(work / "warm-up")], work, environment)
            run_once([executable, "check", "--no-config", str(work / "warm-up")], work, environment)
        print()

        header = ["case", "name", "files", "size", "best s", "cpu s", "peak MiB"]
        if len(executables) == 2:
            header = [*header[:4], "A best s", "B best s", "B/A", "A peak MiB", "B peak MiB"]
        header.append("result")
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        results: dict[str, list[Result]] = {}
        for case in cases:
            samples: list[list[Measurement]] = [[] for _ in executables]
            for _ in range(case.runs):
                # Alternate the executables so that a burst of load hits both alike.
                for position, executable in enumerate(executables):
                    command = command_for(case, executable, under_test=position == 0)
                    sample = run_once(command, work, environment)
                    samples[position].append(sample)
            outcome = [Result(found) for found in samples]
            results[case.name] = outcome
            files, size = size_text(case)
            first = outcome[0]
            line = first.best.last_line[:100].replace("|", "\\|")
            result_text = f"exit {first.best.returncode}: {line}"
            if case.program == "python":
                result_text = f"exit {first.best.returncode}"
            if len(outcome) == 2:
                second = outcome[1]
                other = second.best.last_line[:100].replace("|", "\\|")
                if case.program != "python" and other != line:
                    result_text += f"; B: exit {second.best.returncode}: {other}"
                ratio = second.best.wall / first.best.wall if first.best.wall else 0.0
                cells = [
                    f"{first.best.wall:.3f}",
                    f"{second.best.wall:.3f}",
                    f"{ratio:.2f}",
                    f"{first.peak_mib:.0f}",
                    f"{second.peak_mib:.0f}",
                ]
            else:
                cells = [f"{first.best.wall:.3f}", f"{first.best.cpu:.3f}", f"{first.peak_mib:.0f}"]
            print(
                "| " + " | ".join([case.label, case.name, files, size, *cells, result_text]) + " |",
                flush=True,
            )

        print()
        summarize(results, cases)
        paired_ratios(cases, executables[0], work, environment, None if args.quick else args.pairs)
        if load:
            print(f"load average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
        if cfn_lint and not only:
            time_cfn_lint(cfn_lint, work, environment, cases, runs)
    return 0


def summarize(results: dict[str, list[Result]], cases: list[Case]) -> None:
    """Ratios worth reading off the table: SARIF over text, per-template marginal cost."""
    sizes = {case.name: input_size(case.inputs)[1] for case in cases if case.inputs}
    for position, letter in enumerate("AB"[: len(next(iter(results.values()), []))]):

        def best(name: str, position: int = position) -> float | None:
            outcome = results.get(name)
            return outcome[position].best.wall if outcome else None

        notes = []
        sarif, text = best("sarif1000"), best("cfn1000")
        if sarif and text:
            notes.append(f"SARIF/text at 1000 files {sarif / text:.2f}x")
        if position == 0:
            for count in (40, 200, 1000):
                default, one = best(f"cfn{count}"), best(f"cfn{count}-jobs1")
                if default and one:
                    notes.append(f"{count} files: --jobs 1 / default {one / default:.2f}x")
        for low, high in (("cfn200", "cfn1000"), ("cfn1000", "cfn5000")):
            low_time, high_time = best(low), best(high)
            if low_time and high_time:
                extra = (sizes[high] - sizes[low]) / 2**20
                notes.append(
                    f"marginal {low}->{high} {(high_time - low_time) / extra * 1000:.0f} ms/MiB"
                )
        loads = best("json-loads")
        for name in ("plan20", "plan20-checked", "plan20-jobs1"):
            plan = best(name)
            if plan and loads and (position == 0 or name != "plan20-jobs1"):
                outcome = results[name][position]
                memory = outcome.peak_mib / results["json-loads"][0].peak_mib
                notes.append(f"{name} / json.loads: {plan / loads:.1f}x time, {memory:.1f}x memory")
        if notes:
            print(f"{letter}: " + "; ".join(notes))


#: Ratios that are targets, each measured again from runs of its two cases taken in turn:
#: (numerator, denominator).
PAIRED_RATIOS = (("plan20", "json-loads"), ("sarif1000", "cfn1000"))


def paired_ratios(
    cases: list[Case],
    executable: str,
    work: Path,
    environment: dict[str, str],
    pairs: int | None = None,
) -> None:
    """Each target ratio (:data:`PAIRED_RATIOS`) from ``pairs`` runs of its two cases taken
    in turn (by default as many as the cases' runs): the machine's speed drifts by 10% over a
    minute, and best-of-each, measured minutes apart, mixes that drift into the ratio; a
    pair's two runs see the same machine. Also the ratio of the best of each over the pairs."""
    by_name = {case.name: case for case in cases}
    for top, bottom in PAIRED_RATIOS:
        numerator, denominator = by_name.get(top), by_name.get(bottom)
        if numerator is None or denominator is None:
            continue
        ratios, aboves, belows = [], [], []
        for _ in range(pairs or max(numerator.runs, denominator.runs)):
            below = run_once(command_for(denominator, executable), work, environment).wall
            above = run_once(command_for(numerator, executable), work, environment).wall
            if below:
                ratios.append(above / below)
                aboves.append(above)
                belows.append(below)
        if ratios:
            print(
                f"{top} / {bottom} in {len(ratios)} alternating pairs: median "
                f"{statistics.median(ratios):.2f}x, lowest {min(ratios):.2f}x, "
                f"highest {max(ratios):.2f}x; best of each {min(aboves) / min(belows):.2f}x"
            )


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def time_cfn_lint(
    cfn_lint: str, work: Path, environment: dict[str, str], cases: list[Case], runs: int
) -> None:
    """cfn-lint is slow (seconds per run): one file a few times, 200 templates once."""
    print()
    version = version_of(cfn_lint, environment)
    print(f"cfn-lint ({cfn_lint}, {version}), same inputs, for scale:")
    for case in cases:
        if case.name not in ("cfn1", "cfn200"):
            continue
        arguments = [
            str(file)
            for path in case.inputs
            for file in (sorted(path.iterdir()) if path.is_dir() else [path])
        ]
        samples = [
            run_once([cfn_lint, "--", *arguments], work, environment)
            for _ in range(min(3, runs) if case.name == "cfn1" else 1)
        ]
        best = min(samples, key=lambda sample: sample.wall)
        print(
            f"{case.label}: best {best.wall:.3f} s, cpu {best.cpu:.3f} s, "
            f"peak {best.peak_mib or 0:.0f} MiB (exit {best.returncode})"
        )


if __name__ == "__main__":
    raise SystemExit(main())
