"""Safe fixes (issue 9): every fix example of every spec, applied as ``--fix`` applies it and
checked again; the fixers and the specs' ``fixable`` agree; edits keep quotes and refuse text
that no longer reads as the rule saw it."""

from __future__ import annotations

from pathlib import Path

import pytest

from iblint import check_text
from iblint.fixes import FIXABLE, apply_edits, fix_text
from iblint.model import Edit, Span
from iblint.spec_model import Example
from iblint.specs import load_specs, rule_index
from tests.rule_examples import run_example

SPECS = load_specs()
FIXED = [
    pytest.param(rule_id, example, id=f"{rule_id}-fix-{index}-{example.format}")
    for rule_id, spec in SPECS.items()
    for index, example in enumerate(spec.examples.bad)
    if example.fixed is not None
]


@pytest.mark.parametrize(("rule_id", "example"), FIXED)
def test_a_fix_example_gives_its_fixed_text_and_only_its_finding_goes(
    rule_id: str, example: Example, tmp_path: Path
) -> None:
    before = run_example(example, rule_id, tmp_path)
    fixed, applied = fix_text(example.content, before)
    assert applied >= 1
    assert fixed == example.fixed
    (tmp_path / example.file_name).unlink()
    after = run_example(example.model_copy(update={"content": fixed}), rule_id, tmp_path)
    assert [f for f in after if f.rule_id == rule_id and f.edits] == []
    # Nothing else changed: every other finding is still there, with the same message.
    unfixed = [(f.rule_id, f.message) for f in before if not f.edits]
    assert sorted((f.rule_id, f.message) for f in after) == sorted(unfixed)


def test_the_specs_say_which_rules_have_a_fix() -> None:
    fixable = {rule_id for rule_id, spec in SPECS.items() if spec.fixable}
    assert fixable == FIXABLE
    assert {rule_id for rule_id, entry in rule_index().items() if entry.fixable} == FIXABLE
    for rule_id, spec in SPECS.items():
        has_examples = any(example.fixed is not None for example in spec.examples.bad)
        assert has_examples == spec.fixable, rule_id


def test_fixes_are_exercised_in_json_yaml_and_hcl() -> None:
    formats = {example.format for _, example in (param.values for param in FIXED)}
    assert formats & {"api-json", "cloudformation-json"}
    assert formats & {"api-yaml", "cloudformation-yaml"}
    assert "terraform" in formats


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("a: optional\n", "a: required\n"),
        ("a: 'optional'\n", "a: 'required'\n"),
        ('a: "optional"\n', 'a: "required"\n'),
    ],
)
def test_an_edit_keeps_the_quotes(text: str, new: str) -> None:
    span = Span(1, 4, 1, len(text))
    assert apply_edits(text, [Edit(span, "optional", "required")]) == (new, 1)


@pytest.mark.parametrize(
    "text",
    ["a: optionel\n", "a: \"optional'\n", "a: |\n  optional\n", 'a: "opt\\u0069onal"\n'],
)
def test_an_edit_whose_text_changed_is_not_applied(text: str) -> None:
    span = Span(1, 4, 1, text.index("\n") + 1)
    assert apply_edits(text, [Edit(span, "optional", "required")]) == (text, 0)


def test_overlapping_and_repeated_edits_apply_once() -> None:
    text = "a: GP3\n"
    edit = Edit(Span(1, 4, 1, 7), "GP3", "gp3")
    overlapping = Edit(Span(1, 1, 1, 7), "a: GP3", "b: gp3")
    assert apply_edits(text, [edit, edit, overlapping]) == ("b: gp3\n", 1)


def test_positions_past_the_text_are_refused() -> None:
    assert apply_edits("a\n", [Edit(Span(9, 1, 9, 2), "a", "b")]) == ("a\n", 0)
    assert apply_edits("a\n", [Edit(Span(1, 40, 1, 41), "a", "b")]) == ("a\n", 0)


INFRA_IF = (
    "Conditions:\n  Dev: !Equals [!Ref Env, dev]\nResources:\n  Infra:\n"
    "    Type: AWS::ImageBuilder::InfrastructureConfiguration\n    Properties:\n"
    "      InstanceProfileName: p\n"
    "      InstanceMetadataOptions: !If [Dev, {HttpTokens: optional}, {HttpTokens: required}]\n"
)


def test_a_value_in_an_fn_if_branch_is_not_fixed() -> None:
    (finding,) = [f for f in check_text(INFRA_IF, "t.yaml") if f.rule_id == "IB101"]
    assert finding.edits == ()


def test_a_value_borrowed_from_a_terraform_variable_is_not_fixed(tmp_path: Path) -> None:
    from iblint import check_paths

    (tmp_path / "main.tf").write_text(
        'variable "t" {\n  default = "optional"\n}\n'
        'resource "aws_imagebuilder_infrastructure_configuration" "b" {\n'
        '  name = "b"\n  instance_profile_name = "p"\n'
        "  instance_metadata_options {\n    http_tokens = var.t\n  }\n}\n"
    )
    findings = check_paths([str(tmp_path / "main.tf")], root=tmp_path).findings
    (finding,) = [f for f in findings if f.rule_id == "IB101"]
    assert finding.edits == ()


def test_an_invalid_http_tokens_value_other_than_a_case_slip_is_not_fixed() -> None:
    text = "name: n\ninstanceProfileName: p\ninstanceMetadataOptions: {httpTokens: notrequired}\n"
    (finding,) = [f for f in check_text(text, "i.yaml") if f.rule_id == "IB101"]
    assert finding.edits == ()
    upper_text = text.replace("notrequired", "REQUIRED")
    (upper,) = [f for f in check_text(upper_text, "i.yaml") if f.rule_id == "IB101"]
    assert fix_text(text.replace("notrequired", "REQUIRED"), [upper])[0].endswith(
        "{httpTokens: required}\n"
    )
