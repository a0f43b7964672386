"""``iblint policy test``: every policy's examples, checked as a user's files would be.

Each example is written to a file of its format's name in a temporary directory and checked
with that policy alone (and the rules that say a file could not be checked): a bad example must
give exactly the findings it lists, in order, a good one none. The output reads as pytest's: a
line per policy file with a dot or an ``F`` per example, the failures, then a summary line.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import NamedTuple, TextIO

from iblint.policies import Policy, PolicyExample, PolicySet
from iblint.text_safety import escaped, printable

EXIT_PASSED, EXIT_FAILED, EXIT_NO_TESTS = 0, 1, 5


class Outcome(NamedTuple):
    policy: Policy
    example: PolicyExample
    number: int
    #: Why it failed (empty when it passed).
    problems: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def label(self) -> str:
        kind = "bad" if self.example.bad else "good"
        return (
            f"{escaped(self.policy.display)}::{self.policy.id}::{kind}[{self.number}] "
            f"({self.example.format}, line {self.example.line})"
        )


def run_example(policy: Policy, example: PolicyExample, index: int, directory: Path) -> Outcome:
    """Checks one example in ``directory`` (which it leaves empty)."""
    from iblint import check_paths
    from iblint.config import Config

    path = directory / example.file_name
    path.write_text(example.content, encoding="utf-8")
    try:
        config = Config(
            select=(policy.id,),
            policies=(policy.path,),
            policy_set=PolicySet([policy]),
        )
        findings = check_paths([str(path)], config, root=directory).findings
    finally:
        path.unlink()
    problems: list[str] = []
    own = [finding for finding in findings if finding.rule_id == policy.id]
    others = [finding for finding in findings if finding.rule_id != policy.id]
    for finding in others:
        problems.append(
            f"the example could not be checked: {finding.rule_id} at "
            f"{finding.span.start_line}:{finding.span.start_col}: {printable(finding.message)}"
        )
    for finding in own:
        if finding.message.startswith("the policy's expression failed"):
            problems.append(
                f"{finding.span.start_line}:{finding.span.start_col}: {printable(finding.message)}"
            )
    found = [f"{f.span.start_line}:{f.span.start_col}" for f in own]
    expected = list(example.findings)
    if found != expected:
        listed = ", ".join(expected) if expected else "none"
        got = ", ".join(found) if found else "none"
        problems.append(f"expected findings at {listed}; got {got}")
        for finding in own:
            problems.append(
                f"  {finding.span.start_line}:{finding.span.start_col}: "
                f"{printable(finding.message)}"
            )
    return Outcome(policy, example, index, tuple(problems))


def run_examples(policies: PolicySet, stream: TextIO, verbose: bool = False) -> int:
    """Runs every example of ``policies``, writes the report, returns the exit code."""
    started = time.perf_counter()
    outcomes: list[Outcome] = []
    without: list[Policy] = []
    with tempfile.TemporaryDirectory(prefix="iblint-policy-test-") as temporary:
        directory = Path(temporary)
        by_file: dict[str, list[Outcome]] = {}
        for policy in policies:
            if not policy.examples:
                without.append(policy)
                continue
            counters = {True: 0, False: 0}
            for example in policy.examples:
                outcome = run_example(policy, example, counters[example.bad], directory)
                counters[example.bad] += 1
                outcomes.append(outcome)
                by_file.setdefault(policy.display, []).append(outcome)
                if verbose:
                    verdict = "PASSED" if outcome.passed else "FAILED"
                    stream.write(f"{outcome.label} {verdict}\n")
        if not verbose:
            for display, results in by_file.items():
                marks = "".join("." if outcome.passed else "F" for outcome in results)
                stream.write(f"{escaped(display)} {marks}\n")
    failed = [outcome for outcome in outcomes if not outcome.passed]
    if failed:
        stream.write("\n" + _rule(" FAILURES ") + "\n")
        for outcome in failed:
            stream.write(f"FAILED {outcome.label}\n")
            for problem in outcome.problems:
                stream.write(f"    {problem}\n")
    for policy in without:
        stream.write(f"{escaped(policy.display)}: {policy.id} has no examples\n")
    seconds = time.perf_counter() - started
    passed = len(outcomes) - len(failed)
    counts = [f"{len(failed)} failed"] if failed else []
    counts.append(f"{passed} passed")
    if not outcomes:
        stream.write(_rule(f" no examples ran in {seconds:.2f}s ") + "\n")
        return EXIT_NO_TESTS
    stream.write(_rule(f" {', '.join(counts)} in {seconds:.2f}s ") + "\n")
    return EXIT_FAILED if failed else EXIT_PASSED


def _rule(text: str, width: int = 72) -> str:
    """``text`` centred in a line of ``=``, as pytest writes its summary."""
    side = max(width - len(text), 4) // 2
    return f"{'=' * side}{text}{'=' * side}"
