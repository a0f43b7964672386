"""Component documents inside other documents: every finding points at the character of the
outer file, whatever the form the text is written in; a text that cannot be placed exactly is
not checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iblint import check_paths
from iblint.config import Config
from iblint.syntax.yaml_tree import parse_yaml
from tests.toe.helpers import findings, places

INNER = """\
schemaVersion: 1.0
phases:
  - name: build
    steps:
      - name: Probe
        action: ExecuteBashh
        inputs:
          commands:
            - uname -r
"""
#: Where ``ExecuteBashh`` is in INNER.
INNER_AT = (6, 17)


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line.strip() else line for line in text.splitlines(True))


def cfn_yaml(data_line: str, body: str = "") -> str:
    return (
        "Resources:\n"
        "  Probe:\n"
        "    Type: AWS::ImageBuilder::Component\n"
        "    Properties:\n"
        "      Name: probe\n"
        "      Version: 1.0.0\n"
        "      Platform: Linux\n"
        f"      Data: {data_line}\n" + body
    )


def column_of(text: str, line: int, token: str) -> str:
    return f"{line}:{text.splitlines()[line - 1].index(token) + 1}"


@pytest.mark.parametrize("header", ["|", "|-", "|+", "|2", "|2-", "| # the document"])
def test_a_literal_block_maps_line_and_indentation(tmp_path: Path, header: str) -> None:
    text = cfn_yaml(header, _indented(INNER, 8))
    line, column = INNER_AT
    assert places(findings(tmp_path, "t.yaml", text)) == [f"IB606@{8 + line}:{8 + column}"]


def test_a_block_indented_deeper_than_its_key(tmp_path: Path) -> None:
    text = cfn_yaml("|", _indented(INNER, 12))
    line, column = INNER_AT
    assert places(findings(tmp_path, "t.yaml", text)) == [f"IB606@{8 + line}:{12 + column}"]


def test_a_json_string_maps_each_escape(tmp_path: Path) -> None:
    inner = INNER.replace("uname -r", 'printf "caf\u00e9\\t\U0001f600 \\"q\\""')
    inner = inner.replace("name: Probe", "name: 'Pr\u00f6be \U0001f600'")
    data = json.dumps(inner)  # \n, \", \\ and \u escapes, a surrogate pair
    text = (
        '{"Resources": {"Probe": {"Type": "AWS::ImageBuilder::Component", "Properties": {\n'
        f'  "Name": "probe", "Version": "1.0.0", "Platform": "Linux", "Data": {data}}}}}}}}}\n'
    )
    # The column of the typo: the string's opening quote, then the source length of every
    # character before it.
    before = inner[: inner.index("ExecuteBashh")]
    column = text.splitlines()[1].index(data) + 1 + len(json.dumps(before)) - 1
    assert places(findings(tmp_path, "t.json", text)) == [f"IB606@2:{column}"]
    assert "\\u00e9" in data and "\\ud83d" in data


def test_a_double_quoted_yaml_string_on_one_line(tmp_path: Path) -> None:
    inner = INNER.replace("name: Probe", 'name: "P\\"robe caf\u00e9"')
    data = '"' + inner.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    text = cfn_yaml(data)
    assert places(findings(tmp_path, "t.yaml", text)) == [
        "IB606@" + column_of(text, 8, "ExecuteBashh")
    ]


def test_a_single_quoted_flow_document(tmp_path: Path) -> None:
    data = (
        "'{schemaVersion: ''1.0'', phases: [{name: build, steps: "
        "[{name: Probe, action: Nope, inputs: {commands: [uname]}}]}]}'"
    )
    text = cfn_yaml(data)
    assert places(findings(tmp_path, "t.yaml", text)) == ["IB606@" + column_of(text, 8, "Nope")]


@pytest.mark.parametrize(
    "data_line",
    [
        ">",  # folded: lines are joined, so positions cannot be exact
        "!Sub |",  # computed at deploy time
    ],
)
def test_text_that_cannot_be_known_exactly_is_not_checked(tmp_path: Path, data_line: str) -> None:
    assert findings(tmp_path, "t.yaml", cfn_yaml(data_line, _indented(INNER, 8))) == []


def test_a_quoted_string_over_several_lines_is_not_checked(tmp_path: Path) -> None:
    text = cfn_yaml('"schemaVersion: 1.0\n        phases: []"')
    assert findings(tmp_path, "t.yaml", text) == []


def test_join_and_aliases_are_not_checked(tmp_path: Path) -> None:
    joined = cfn_yaml("!Join ['', ['schemaVersion: 1.0', 'phases: []']]")
    assert findings(tmp_path, "t.yaml", joined) == []
    aliased = (
        "Metadata:\n  Doc: &doc |\n" + _indented(INNER, 4) + cfn_yaml("*doc").replace("---", "")
    )
    found = findings(tmp_path, "alias.yaml", aliased)
    assert [f for f in found if f.rule_id.startswith("IB6")] == []


def test_each_literal_branch_of_an_if_is_checked(tmp_path: Path) -> None:
    good = INNER.replace("ExecuteBashh", "ExecuteBash")
    text = (
        "Conditions:\n  Prod: !Equals [!Ref AWS::AccountId, '123456789012']\n"
        + cfn_yaml("")
        + "        Fn::If:\n          - Prod\n          - |\n"
        + _indented(good, 12)
        + "          - |\n"
        + _indented(INNER, 12)
    )
    found = places(findings(tmp_path, "t.yaml", text))
    line = text.splitlines().index(" " * 20 + "action: ExecuteBashh") + 1
    assert found == [f"IB606@{line}:29"]


def test_a_yaml_error_inside_the_document_is_ib001_in_the_outer_file(tmp_path: Path) -> None:
    broken = "schemaVersion: 1.0\nphases:\n  - name: build\n   steps: []\n"
    text = cfn_yaml("|", _indented(broken, 8))
    (inner_problem,) = parse_yaml(broken)[1]
    found = findings(tmp_path, "t.yaml", text)
    assert places(found) == [
        f"IB001@{8 + inner_problem.span.start_line}:{8 + inner_problem.span.start_col}"
    ]
    assert found[0].message.startswith("in the embedded component document: invalid YAML")


def test_a_yaml_error_inside_a_json_string(tmp_path: Path) -> None:
    broken = "schemaVersion: 1.0\nphases: [\n"
    text = json.dumps(
        {
            "name": "probe",
            "semanticVersion": "1.0.0",
            "platform": "Linux",
            "clientToken": "t",
            "data": broken,
        }
    )
    (inner_problem,) = parse_yaml(broken)[1]
    found = findings(tmp_path, "request.json", text)
    offset = sum(len(line) + 1 for line in broken.split("\n")[: inner_problem.span.start_line - 1])
    offset += inner_problem.span.start_col - 1
    column = text.index(json.dumps(broken)) + 1 + len(json.dumps(broken[:offset])) - 1
    assert places(found) == [f"IB001@1:{column}"]


def test_a_duplicate_key_inside_is_ib002_with_both_places_in_the_outer_file(
    tmp_path: Path,
) -> None:
    doubled = INNER.replace(
        "        action: ExecuteBashh\n",
        "        action: ExecuteBash\n        action: ExecuteBash\n",
    )
    found = findings(tmp_path, "t.yaml", cfn_yaml("|", _indented(doubled, 8)))
    assert places(found) == ["IB002@15:17"]
    assert "(first at 14:17)" in found[0].message


def test_a_suppression_comment_inside_the_block_applies(tmp_path: Path) -> None:
    suppressed = INNER.replace(
        "action: ExecuteBashh", "action: ExecuteBashh  # iblint: ignore IB606 a custom build"
    )
    assert findings(tmp_path, "t.yaml", cfn_yaml("|", _indented(suppressed, 8))) == []


# Terraform ---------------------------------------------------------------------------------

TF_HEAD = (
    'resource "aws_imagebuilder_component" "probe" {\n'
    '  name     = "probe"\n'
    '  platform = "Linux"\n'
    '  version  = "1.0.0"\n'
)


@pytest.mark.parametrize(("marker", "indent"), [("<<EOT", 0), ("<<-EOT", 4)])
def test_terraform_heredocs(tmp_path: Path, marker: str, indent: int) -> None:
    text = TF_HEAD + f"  data = {marker}\n" + _indented(INNER, indent) + "EOT\n}\n"
    line, column = INNER_AT
    assert places(findings(tmp_path, "main.tf", text)) == [f"IB606@{5 + line}:{indent + column}"]


def test_a_terraform_template_is_not_checked(tmp_path: Path) -> None:
    templated = INNER.replace("uname -r", "echo ${var.greeting}")
    text = TF_HEAD + "  data = <<-EOT\n" + _indented(templated, 4) + "  EOT\n}\n"
    assert findings(tmp_path, "main.tf", text) == []


def test_a_terraform_quoted_string_with_escapes(tmp_path: Path) -> None:
    inner = INNER.replace("name: Probe", "name: Costs $${HOME}")
    quoted = '"' + inner.replace("\n", "\\n") + '"'
    text = TF_HEAD + f"  data     = {quoted}\n}}\n"
    assert places(findings(tmp_path, "main.tf", text)) == [
        "IB606@" + column_of(text, 5, "ExecuteBashh")
    ]


def test_a_terraform_variable_is_not_checked_where_it_is_used(tmp_path: Path) -> None:
    (tmp_path / "variables.tf").write_text(
        'variable "doc" {\n  default = "schemaVersion: 9\\nphases: []\\n"\n}\n', encoding="utf-8"
    )
    text = TF_HEAD + "  data     = var.doc\n}\n"
    assert findings(tmp_path, "main.tf", text) == []


@pytest.mark.parametrize("encoder", ["yamlencode", "jsonencode"])
def test_terraform_encoders_of_a_literal_object(tmp_path: Path, encoder: str) -> None:
    text = TF_HEAD + (
        f"  data = {encoder}({{\n"
        "    schemaVersion = 1.0\n"
        "    phases = [{\n"
        '      name  = "build"\n'
        "      steps = [\n"
        '        { name = "A", action = "ExecuteBashh", inputs = { commands = ["uname"] } },\n'
        '        { name = "B", action = var.action, onFailure = local.mode },\n'
        '        { name = "C", action = "ExecuteBash", inputs = { commands = ["${var.x}"] } },\n'
        "      ]\n"
        "    }]\n"
        "  })\n"
        "}\n"
    )
    assert places(findings(tmp_path, "main.tf", text)) == [
        "IB606@" + column_of(text, 10, '"ExecuteBashh"')
    ]


def test_a_yamlencode_on_its_first_line(tmp_path: Path) -> None:
    text = TF_HEAD + (
        '  data = yamlencode({ schemaVersion = "2.0", phases = [{ name = "build", steps = [{ '
        'name = "A", action = "UpdateOS" }] }] })\n}\n'
    )
    assert places(findings(tmp_path, "main.tf", text)) == ["IB601@" + column_of(text, 5, '"2.0"')]


def test_terraform_json_syntax(tmp_path: Path) -> None:
    body = {
        "resource": {
            "aws_imagebuilder_component": {
                "probe": {"name": "probe", "platform": "Linux", "version": "1.0.0", "data": INNER}
            }
        }
    }
    text = json.dumps(body, indent=2)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if '"data"' in row)
    row = text.splitlines()[line - 1]
    column = row.index(json.dumps(INNER)) + len(json.dumps(INNER[: INNER.index("ExecuteBashh")]))
    assert places(findings(tmp_path, "main.tf.json", text)) == [f"IB606@{line}:{column}"]


def test_a_file_reference_is_checked_as_that_file(tmp_path: Path) -> None:
    """More in test_file_references.py."""
    (tmp_path / "component.yaml").write_text(INNER, encoding="utf-8")
    text = TF_HEAD + '  data = file("${path.module}/component.yaml")\n}\n'
    found = findings(tmp_path, "main.tf", text)
    assert [(f.path, *places([f])) for f in found] == [("component.yaml", "IB606@6:17")]


# API documents -----------------------------------------------------------------------------


def test_a_create_component_request_in_yaml(tmp_path: Path) -> None:
    text = (
        "name: probe\nsemanticVersion: 1.0.0\nplatform: Linux\nclientToken: t\ndata: |\n"
        + _indented(INNER, 2)
    )
    line, column = INNER_AT
    assert places(findings(tmp_path, "request.yaml", text)) == [f"IB606@{5 + line}:{2 + column}"]


def test_the_documents_of_a_catalog_file_are_not_checked(tmp_path: Path) -> None:
    from iblint import check_paths
    from iblint.config import Config

    response = {
        "component": {
            "arn": "arn:aws:imagebuilder:us-east-1:123456789012:component/probe/1.0.0/1",
            "name": "probe",
            "version": "1.0.0",
            "platform": "Linux",
            "type": "BUILD",
            "data": INNER,
        }
    }
    catalog = tmp_path / "catalog" / "probe.json"
    catalog.parent.mkdir()
    catalog.write_text(json.dumps(response), encoding="utf-8")
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text("Resources: {}\n", encoding="utf-8")
    config = Config.build(select=["IB0", "IB6"], catalogs=[catalog])
    assert check_paths([str(recipe)], config, root=tmp_path).findings == []


# Size --------------------------------------------------------------------------------------


def test_the_size_rule_counts_characters_of_each_literal_branch(tmp_path: Path) -> None:
    good = INNER.replace("ExecuteBashh", "ExecuteBash")
    long_doc = good + "#" + "x" * 300 + "\n"
    text = (
        "Conditions:\n  Prod: !Equals [!Ref AWS::AccountId, '123456789012']\n"
        + cfn_yaml("")
        + "        Fn::If:\n          - Prod\n          - |\n"
        + _indented(good, 12)
        + "          - |\n"
        + _indented(long_doc, 12)
    )
    found = findings(tmp_path, "t.yaml", text, options={"IB615": {"max_characters": 250}})
    line = 14 + good.count("\n")  # the second branch's `|`
    assert places(found) == [f"IB615@{line}:13"]
    assert "300" not in found[0].message and f"{len(long_doc):,}" in found[0].message


# Terraform plans ---------------------------------------------------------------------------

_COMPONENT = "aws_imagebuilder_component"


def _plan_change(address: str, data: object, unknown: dict[str, object] | None = None) -> object:
    after = {"name": "probe", "platform": "Linux", "version": "1.0.0", "data": data, "uri": None}
    return {
        "address": address,
        "mode": "managed",
        "type": _COMPONENT,
        "name": address.rsplit(".", 1)[-1],
        "change": {
            "actions": ["create"],
            "before": None,
            "after": after,
            "after_unknown": unknown or {"arn": True},
        },
    }


def _plan(*changes: object, planned: list[object] | None = None) -> dict[str, object]:
    plan: dict[str, object] = {"format_version": "1.2", "terraform_version": "1.9.8"}
    if planned is not None:
        plan["planned_values"] = {"root_module": {"resources": planned}}
    plan["resource_changes"] = list(changes)
    return plan


def _column_in_json_string(row: str, inner: str, token: str) -> int:
    """The 1-based column of ``token`` inside ``inner`` written as a JSON string in ``row``."""
    return row.index(json.dumps(inner)) + len(json.dumps(inner[: inner.index(token)]))


def test_a_plan_on_one_line_checks_a_components_document(tmp_path: Path) -> None:
    text = json.dumps(_plan(_plan_change(f"{_COMPONENT}.probe", INNER)))
    found = findings(tmp_path, "plan.json", text)
    assert places(found) == [f"IB606@1:{_column_in_json_string(text, INNER, 'ExecuteBashh')}"]
    # One line holds every resource: the message says which component's document it is.
    assert found[0].message.startswith(f"{_COMPONENT}.probe: ")


def test_a_pretty_printed_plan_checks_a_components_document(tmp_path: Path) -> None:
    text = json.dumps(_plan(_plan_change(f"module.m.{_COMPONENT}.probe", INNER)), indent=2)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if '"data"' in row)
    column = _column_in_json_string(text.splitlines()[line - 1], INNER, "ExecuteBashh")
    assert places(findings(tmp_path, "plan.json", text)) == [f"IB606@{line}:{column}"]


def _planned_component() -> dict[str, object]:
    """The component ``probe`` with the document ``INNER``, as planned values give it."""
    return {
        "address": f"{_COMPONENT}.probe",
        "mode": "managed",
        "type": _COMPONENT,
        "name": "probe",
        "values": {"name": "probe", "platform": "Linux", "version": "1.0.0", "data": INNER},
    }


def test_a_component_only_in_planned_values_has_its_document_checked(tmp_path: Path) -> None:
    resource = _planned_component()
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": [resource]}}}
    text = json.dumps(plan)
    column = _column_in_json_string(text, INNER, "ExecuteBashh")
    assert places(findings(tmp_path, "plan.json", text)) == [f"IB606@1:{column}"]


def test_a_component_in_changes_and_planned_values_is_checked_once(tmp_path: Path) -> None:
    planned = _planned_component()
    text = json.dumps(_plan(_plan_change(f"{_COMPONENT}.probe", INNER), planned=[planned]))
    assert len(places(findings(tmp_path, "plan.json", text))) == 1


def test_a_plans_document_known_only_after_apply_is_not_checked(tmp_path: Path) -> None:
    change = _plan_change(f"{_COMPONENT}.probe", None, {"data": True, "arn": True})
    text = json.dumps(_plan(change))
    assert findings(tmp_path, "plan.json", text) == []


def test_a_plans_invalid_document_is_reported_in_the_plan(tmp_path: Path) -> None:
    bad = "phases:\n  - name: build\n    steps: [unclosed\n"
    text = json.dumps(_plan(_plan_change(f"{_COMPONENT}.probe", bad)))
    found = findings(tmp_path, "plan.json", text)
    assert [finding.rule_id for finding in found] == ["IB001"]
    assert found[0].span.start_line == 1
    assert "embedded component document" in found[0].message
    assert found[0].message.startswith(f"{_COMPONENT}.probe: ")  # which, on one line


def test_a_plan_checked_in_parts_checks_each_document_once(tmp_path: Path) -> None:
    from iblint.parallel import PLAN_PART_BYTES

    changes = []
    size = 0
    while size < 3 * PLAN_PART_BYTES:
        changes.append(_plan_change(f"{_COMPONENT}.probe_{len(changes)}", INNER))
        size += len(json.dumps(changes[-1]))
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan(*changes)), encoding="utf-8")
    reports = {}
    for jobs in (1, 2):
        config = Config.build(select=["IB0", "IB6"], jobs=jobs)
        reports[jobs] = check_paths([str(path)], config, root=tmp_path).findings
    assert len(reports[1]) == len(changes)
    assert reports[2] == reports[1]


def test_a_document_written_twice_is_placed_at_each_place_aliases_and_all(tmp_path: Path) -> None:
    """A text written again is parsed once and placed again: each copy at its own place,
    shaped as the parse (an alias included), and the parse itself left as it was."""
    from iblint.dialects import LoadContext
    from iblint.dialects.embedded import component_documents
    from iblint.model import Mapping, Resource, ResourceKind, Scalar, Sequence, Span

    inner = (
        "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n"
        "      - &step {name: Probe, action: ExecuteBashh, inputs: {commands: [uname]}}\n"
        "      - *step\n"
    )
    line = f'{{"a": {json.dumps(inner)}, "b": {json.dumps(inner)}}}'
    context = LoadContext(None, None, line)
    components = []
    for name in ("a", "b"):
        start = line.index(json.dumps(inner), line.index(f'"{name}"'))
        span = Span(1, start + 1, 1, start + 1 + len(json.dumps(inner)))
        data = Scalar(inner, span, Span(1, start - 4, 1, start - 1))
        body = Mapping({"data": data}, span, None)
        components.append(Resource(ResourceKind.COMPONENT, name, body, span))
    documents = component_documents(components, context)
    assert len(documents) == 2 and len(context.embedded_parses) == 1
    (root,), _ = next(iter(context.embedded_parses.values()))
    parsed_steps = root.get("phases").items[0].get("steps")  # type: ignore[union-attr]
    shared = parsed_steps.items[0] is parsed_steps.items[1]  # type: ignore[union-attr]
    placed = []
    for document in documents:
        steps = document.body.get("phases").items[0].get("steps")  # type: ignore[union-attr]
        assert isinstance(steps, Sequence)
        assert (steps.items[0] is steps.items[1]) == shared  # shared as the parse shares
        assert steps is not parsed_steps
        action = steps.items[0].get("action")  # type: ignore[union-attr]
        placed.append(action.span.start_col)  # type: ignore[union-attr]
    expected = [
        line.index(json.dumps(inner), line.index(f'"{name}"'))
        + len(json.dumps(inner[: inner.index("ExecuteBashh")]))
        for name in ("a", "b")
    ]
    assert placed == expected
    # The parse keeps its own positions, inside the document.
    assert root.span.start_line == 1 and root.span.start_col == 1


def _steps_document(size: int) -> str:
    """A valid document of about ``size`` characters, of many small steps."""
    steps = []
    total = 0
    while total < size:
        step = (
            f"      - name: Step{len(steps)}\n        action: ExecuteBash\n"
            "        inputs:\n          commands:\n            - echo hello\n"
        )
        steps.append(step)
        total += len(step)
    return "schemaVersion: 1.0\nphases:\n  - name: build\n    steps:\n" + "".join(steps)


@pytest.mark.parametrize("where", ["plan", "template"])
def test_a_document_over_the_yaml_limit_is_reported_where_it_is_not_parsed(
    tmp_path: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An embedded document is YAML text: past IB003's YAML limit it is not parsed (a plan
    may be 64 MiB, and a document of 20 MB took 1.2 GiB), and IB003 says so at its place."""
    from iblint.syntax import yaml_tree

    document = _steps_document(2 * 1024 * 1024 + 1)
    if where == "plan":
        text = json.dumps(_plan(_plan_change(f"{_COMPONENT}.probe", document)))
        name = "plan.json"
    else:
        properties = {"Name": "p", "Version": "1.0.0", "Platform": "Linux", "Data": document}
        component = {"Type": "AWS::ImageBuilder::Component", "Properties": properties}
        text = json.dumps({"Resources": {"Probe": component}})
        name = "template.json"
    parsed: list[int] = []
    real = yaml_tree.parse_yaml
    monkeypatch.setattr(
        yaml_tree, "parse_yaml", lambda text, *rest: parsed.append(len(text)) or real(text, *rest)
    )
    found = findings(tmp_path, name, text)
    assert parsed == []  # never handed to the YAML parser
    # IB615: CreateComponent's own limit, far below, says the rest.
    assert sorted(finding.rule_id for finding in found) == ["IB003", "IB615"]
    (too_large,) = [finding for finding in found if finding.rule_id == "IB003"]
    column = text.index(json.dumps(document)) + 1
    assert (too_large.span.start_line, too_large.span.start_col) == (1, column)
    assert "embedded component document" in too_large.message
    assert "max_yaml_bytes" in (too_large.fix or "")
    raised = findings(tmp_path, name, text, options={"IB003": {"max_yaml_bytes": 4 << 20}})
    assert [finding.rule_id for finding in raised] == ["IB615"]  # parsed, and clean
    assert parsed == [len(document)]


def test_the_documents_of_one_file_are_held_together_to_one_yaml_files_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each document placed in a file has nodes of its own, the same text written again
    included: past one YAML file's lines and commas in all, the rest are not parsed, and
    IB003 says so once, at the first of them."""
    from iblint.dialects import embedded

    lines = INNER.count("\n") + INNER.count(",")
    monkeypatch.setattr(embedded, "MAX_YAML_SEPARATORS", 3 * lines)
    changes = [_plan_change(f"{_COMPONENT}.c{index}", INNER) for index in range(5)]
    text = json.dumps(_plan(*changes))
    found = findings(tmp_path, "plan.json", text)
    assert [finding.rule_id for finding in found] == ["IB606"] * 3 + ["IB003"]
    assert found[3].message.startswith(f"{_COMPONENT}.c3: ")
    assert "together" in found[3].message
