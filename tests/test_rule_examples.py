"""Examples are the test suite: every bad example of every spec gives exactly the findings it
lists (``line:col`` of this rule), every good example is clean under the whole default rule set.
Run one rule's cases with ``pytest -k IB101``."""

from __future__ import annotations

from pathlib import Path

import pytest

from iblint.spec_model import Example
from iblint.specs import load_specs
from tests.rule_examples import positions, run_example

SPECS = load_specs()
BAD = [
    pytest.param(rule_id, example, id=f"{rule_id}-bad-{index}-{example.format}")
    for rule_id, spec in SPECS.items()
    for index, example in enumerate(spec.examples.bad)
]
GOOD = [
    pytest.param(rule_id, example, id=f"{rule_id}-good-{index}-{example.format}")
    for rule_id, spec in SPECS.items()
    for index, example in enumerate(spec.examples.good)
]


@pytest.mark.parametrize(("rule_id", "example"), BAD)
def test_bad_example_gives_the_listed_findings(
    rule_id: str, example: Example, tmp_path: Path
) -> None:
    findings = run_example(example, rule_id, tmp_path)
    assert example.findings, "a bad example must list at least one finding"
    assert positions(findings, rule_id) == example.findings, [
        (f.rule_id, f.span, f.message) for f in findings
    ]
    for finding in findings:
        if finding.rule_id == rule_id:
            assert finding.message and finding.fix
            assert finding.span.end_line >= finding.span.start_line


@pytest.mark.parametrize(("rule_id", "example"), GOOD)
def test_good_example_is_clean(rule_id: str, example: Example, tmp_path: Path) -> None:
    findings = run_example(example, rule_id, tmp_path)
    assert findings == [], [(f.rule_id, f.span, f.message) for f in findings]
