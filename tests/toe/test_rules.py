"""IB601-IB615 beyond the spec examples: what is recognised as a component document, and the
edges of each rule (values known only at run time are never judged)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.toe.helpers import DOCUMENT, findings, places, step_document


def rules_of(directory: Path, text: str, name: str = "component.yaml") -> list[str]:
    return [finding.rule_id for finding in findings(directory, name, text)]


# What is a component document --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "phases: [design, build, launch]\nowner: platform-team\n",
        "project:\n  phases:\n    - name: build\n      steps: [a]\n",
        "phases:\n  - name: build\n    tasks: [compile]\n",
        "name: release plan\nsteps: [one, two]\n",
    ],
)
def test_other_yaml_with_phases_is_not_a_component_document(tmp_path: Path, text: str) -> None:
    assert findings(tmp_path, "plan.yaml", text) == []


def test_a_document_without_schema_version_is_recognised_by_its_steps(tmp_path: Path) -> None:
    text = "phases:\n  - name: build\n    steps:\n      - name: A\n        action: UpdateOS\n"
    assert places(findings(tmp_path, "component.yml", text)) == ["IB601@1:1"]


@pytest.mark.parametrize("name", ["component.yaml", "component.yml", "install.template"])
def test_a_clean_document_under_each_suffix(tmp_path: Path, name: str) -> None:
    assert findings(tmp_path, name, DOCUMENT) == []


def test_a_json_document(tmp_path: Path) -> None:
    import json

    import yaml

    body = yaml.safe_load(DOCUMENT)
    body["phases"][0]["steps"][0]["action"] = "CreateFiles"
    text = json.dumps(body, indent=2)
    assert rules_of(tmp_path, text, "component.json") == ["IB606"]


def test_every_document_of_a_multi_document_file(tmp_path: Path) -> None:
    text = DOCUMENT + "---\n" + DOCUMENT.replace("action: CreateFile", "action: CreateFiles")
    found = findings(tmp_path, "component.yaml", text)
    assert places(found) == [f"IB606@{DOCUMENT.count(chr(10)) + 1 + 8}:17"]


# IB601 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0", '"1.0"', "1", "'{{ SchemaVersion }}'"])
def test_accepted_schema_versions(tmp_path: Path, version: str) -> None:
    text = DOCUMENT.replace("schemaVersion: 1.0", f"schemaVersion: {version}")
    assert rules_of(tmp_path, text) == []


@pytest.mark.parametrize("version", ["1.1", "[1.0]", "'v1'", "true"])
def test_refused_schema_versions(tmp_path: Path, version: str) -> None:
    text = DOCUMENT.replace("schemaVersion: 1.0", f"schemaVersion: {version}")
    assert places(findings(tmp_path, "component.yaml", text)) == ["IB601@3:16"]


# IB602-IB604 -------------------------------------------------------------------------------


def test_malformed_items(tmp_path: Path) -> None:
    text = (
        "schemaVersion: 1.0\nphases:\n  - build\n  - name: validate\n    steps:\n"
        "      - just a string\n      - name: [A]\n        action: {module: ExecuteBash}\n"
    )
    assert places(findings(tmp_path, "component.yaml", text)) == [
        "IB602@3:5",
        "IB602@6:9",
        "IB602@7:15",
        "IB602@8:17",
    ]


def test_phase_names_known_only_at_run_time_are_not_judged(tmp_path: Path) -> None:
    text = DOCUMENT.replace("name: build", "name: '{{ Phase }}'").replace(
        "name: validate", "name: configure"
    )
    assert rules_of(tmp_path, text) == ["IB604"]


def test_container_host_test_runs(tmp_path: Path) -> None:
    text = DOCUMENT.replace("name: validate", "name: container-host-test")
    assert rules_of(tmp_path, text) == []


# IB605 -------------------------------------------------------------------------------------


def test_loop_names_are_unique_within_a_phase(tmp_path: Path) -> None:
    step = (
        "      - name: {name}\n        action: ExecuteBash\n        loop:\n          name: Hosts\n"
        "          forEach: [a, b]\n        inputs:\n          commands: ['ping {{{{ Hosts.value }}}}']\n"
    )
    text = step_document(step.format(name="A") + step.format(name="B"))
    assert places(findings(tmp_path, "component.yaml", text)) == ["IB605@16:17"]


def test_phase_step_and_loop_names_given_again_are_each_reported_once(tmp_path: Path) -> None:
    text = (
        "name: probe\nschemaVersion: 1.0\nphases:\n"
        "  - name: build\n    steps:\n"
        "      - name: A\n        action: ExecuteBash\n        loop:\n          name: ''\n"
        "          forEach: [a]\n        inputs:\n          commands: [x]\n"
        "      - name: A\n        action: ExecuteBash\n        loop:\n          name: ''\n"
        "          forEach: [a]\n        inputs:\n          commands: [x]\n"
        "      - name: A\n        action: ExecuteBash\n        inputs:\n          commands: [x]\n"
        "  - name: build\n    steps:\n"
        "      - name: A\n        action: ExecuteBash\n        inputs:\n          commands: [x]\n"
    )
    found = [place for place in places(findings(tmp_path, "c.yaml", text)) if "IB605" in place]
    # The second and third step A (not the first), the second phase build; an empty loop
    # name is no name; a step A in another phase is not a repeat.
    assert found == ["IB605@13:15", "IB605@20:15", "IB605@24:11"]


# IB606 -------------------------------------------------------------------------------------


def test_an_action_from_a_variable_is_not_judged(tmp_path: Path) -> None:
    text = step_document("      - name: A\n        action: '{{ Action }}'\n")
    assert rules_of(tmp_path, text) == []


def test_a_lower_case_action_gets_its_documented_name(tmp_path: Path) -> None:
    text = step_document("      - name: A\n        action: executebash\n")
    (finding,) = findings(tmp_path, "component.yaml", text)
    assert finding.rule_id == "IB606"
    assert "did you mean 'ExecuteBash'?" in finding.message


# IB607 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step",
    [
        "action: Assert\n",
        "action: ExecuteBash\n        inputs:\n",
        "action: S3Download\n        inputs: s3://bucket/key\n",
        "action: ExecuteBash\n        inputs:\n          commands:\n",
        "action: S3Download\n        inputs: []\n",
    ],
)
def test_invalid_inputs(tmp_path: Path, step: str) -> None:
    text = step_document("      - name: A\n        " + step)
    assert rules_of(tmp_path, text) == ["IB607"]


def test_inputs_from_a_variable_are_not_judged(tmp_path: Path) -> None:
    text = step_document(
        "      - name: A\n        action: ExecuteBash\n        inputs:\n"
        "          commands: '{{ Commands }}'\n",
        "parameters:\n  - Commands:\n      type: string\n",
    )
    assert rules_of(tmp_path, text) == []


# IB609 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        "onFailure: '{{ Mode }}'",
        "timeoutSeconds: -1",
        "timeoutSeconds: '60'",
        "maxAttempts: '{{ Attempts }}'",
        "onFailure: Ignore\n        maxAttempts: 5",
    ],
)
def test_accepted_step_settings(tmp_path: Path, settings: str) -> None:
    text = step_document(
        f"      - name: A\n        action: UpdateOS\n        {settings}\n",
    )
    assert rules_of(tmp_path, text) == []


@pytest.mark.parametrize(
    "settings",
    ["onFailure: Retry", "timeoutSeconds: -5", "timeoutSeconds: true", "maxAttempts: 1.5"],
)
def test_refused_step_settings(tmp_path: Path, settings: str) -> None:
    text = step_document(f"      - name: A\n        action: UpdateOS\n        {settings}\n")
    assert rules_of(tmp_path, text) == ["IB609"]


def test_execute_document_keeps_its_fixed_settings(tmp_path: Path) -> None:
    text = step_document(
        "      - name: A\n        action: ExecuteDocument\n        timeoutSeconds: -1\n"
        "        maxAttempts: 2\n        inputs:\n          document: child.yaml\n"
    )
    assert places(findings(tmp_path, "component.yaml", text)) == ["IB609@9:22"]


# IB611 -------------------------------------------------------------------------------------


def _commands(*commands: str, loop: str = "", phase: str = "build") -> str:
    listed = "".join(f"            - {command}\n" for command in commands)
    return (
        f"  - name: {phase}\n    steps:\n      - name: Step{phase.title().replace('-', '')}\n"
        f"        action: ExecuteBash\n{loop}        inputs:\n          commands:\n{listed}"
    )


def _document(*phases: str, top: str = "") -> str:
    return "schemaVersion: 1.0\n" + top + "phases:\n" + "".join(phases)


@pytest.mark.parametrize(
    "command",
    [
        "docker inspect --format '{{ .Id }}' app",
        "echo '{{{ imagebuilder:parentImage }}}'",
        "echo '{{ item | default(1) }}'",
        "echo '{{ some text with spaces }}'",
        "echo '{{ build.StepBuild.outputs.stdout }}' > /dev/null",
    ],
)
def test_references_that_are_not_judged_or_are_defined(tmp_path: Path, command: str) -> None:
    phase = _commands("uname", phase="build") + _commands(command, phase="validate")
    assert rules_of(tmp_path, _document(phase)) == []


def test_chaining_within_a_stage(tmp_path: Path) -> None:
    text = _document(
        _commands("uname", phase="test"),
        _commands("echo '{{ test.StepTest.outputs.stdout }}'", phase="container-host-test"),
    )
    assert rules_of(tmp_path, text) == []


@pytest.mark.parametrize(
    "reference",
    [
        "{{ Undefined }}",
        "{{ loop.index }}",
        "{{ build.StepBuild.result.stdout }}",
        "{{ deploy.StepBuild.outputs.stdout }}",
        "{{ validate.Missing.outputs.stdout }}",
        "{{ OtherLoop.value }}",
        "{{ Thing.member }}",
    ],
)
def test_undefined_references(tmp_path: Path, reference: str) -> None:
    text = _document(_commands("uname"), _commands(f"echo '{reference}'", phase="validate"))
    assert rules_of(tmp_path, text) == ["IB611"]


def test_loop_references(tmp_path: Path) -> None:
    loop = "        loop:\n          name: Hosts\n          forEach: [a, b]\n"
    good = _commands("ping '{{ Hosts.value }}' '{{ loop.index }}'", loop=loop)
    bad = _commands("ping '{{ loop.name }}' '{{ Hosts.key }}'", loop=loop)
    assert rules_of(tmp_path, _document(good)) == []
    assert rules_of(tmp_path, _document(bad)) == ["IB611", "IB611"]


def test_each_undefined_reference_once_per_string(tmp_path: Path) -> None:
    text = _document(_commands("echo '{{ Nope }} {{ Nope }} {{ Other }}'"))
    found = findings(tmp_path, "component.yaml", text)
    assert [f.rule_id for f in found] == ["IB611", "IB611"]


def test_references_in_loop_lists_and_conditions(tmp_path: Path) -> None:
    loop = "        loop:\n          forEach:\n            list: '{{ Hosts }}'\n"
    condition = "        if:\n          stringEquals: x\n          value: '{{ Mode }}'\n"
    text = _document(_commands("ping '{{ loop.value }}'", loop=loop + condition))
    assert [f.message.split(" in ")[0] for f in findings(tmp_path, "c.yaml", text)] == [
        "'{{ Hosts }}'",
        "'{{ Mode }}'",
    ]


def test_unreadable_definitions_leave_names_unjudged(tmp_path: Path) -> None:
    top = "parameters:\n  - name: Mode\n    type: string\n"
    text = _document(_commands("echo '{{ Mode }}'"), top=top)
    assert rules_of(tmp_path, text) == ["IB612"]


def test_references_outside_inputs_are_not_read(tmp_path: Path) -> None:
    text = DOCUMENT.replace("description: Writes", "description: '{{ Nope }}' writes")
    assert rules_of(tmp_path, text) == []


# IB612 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("top", "expected"),
    [
        ("parameters:\n  Mode:\n    type: string\n", ["IB612@3:3"]),
        ("parameters:\n  - Mode:\n      type: String\n", ["IB612@4:13"]),
        ("parameters:\n  - Mode: string\n", ["IB612@3:11"]),
        ("constants:\n  - mode.name:\n      type: string\n      value: x\n", ["IB612@3:5"]),
        ("parameters:\n  - Mode:\n      default: a\n", ["IB612@3:5"]),
    ],
)
def test_variable_definitions(tmp_path: Path, top: str, expected: list[str]) -> None:
    text = _document(_commands("uname"), top=top)
    assert places(findings(tmp_path, "component.yaml", text), "IB612") == expected


# IB613 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loop", "ok"),
    [
        ("for: {start: '{{ First }}', end: 3, updateBy: 1}", True),
        ("for: {start: 3, end: 1, updateBy: -1}", True),
        ("for: {start: 1, end: 1, updateBy: -1}", True),
        ("forEach: {list: 'a\\nb', delimiter: \"\\n\"}", True),
        ("forEach: {list: 'a;b', delimiter: '{{ Delimiter }}'}", True),
        ("for: {start: 1, end: 3, updateBy: 0}", False),
        ("for: {start: 1, end: 3}", False),
        ("for: {start: one, end: 3, updateBy: 1}", False),
        ("forEach: []", False),
        ("forEach: 'a,b'", False),
        ("forEach: {delimiter: ','}", False),
        ("forEach: [[a]]", False),
        ("name: x", False),
    ],
)
def test_loops(tmp_path: Path, loop: str, ok: bool) -> None:
    top = "parameters:\n  - First:\n      type: string\n  - Delimiter:\n      type: string\n"
    text = _document(_commands("uname", loop=f"        loop: {{{loop}}}\n"), top=top)
    assert rules_of(tmp_path, text) == ([] if ok else ["IB613"])


def test_a_loop_that_is_not_a_mapping(tmp_path: Path) -> None:
    text = _document(_commands("uname", loop="        loop: [a, b]\n"))
    assert rules_of(tmp_path, text) == ["IB613"]


# IB614 -------------------------------------------------------------------------------------


def _nested(depth: int) -> str:
    condition = "{fileExists: /etc/hosts}"
    for _ in range(depth):
        condition = f"{{not: {condition}}}"
    return condition


@pytest.mark.parametrize(
    ("condition", "ok"),
    [
        ("{stringlessThan: a, value: b}", True),  # the documentation's own spelling
        ("[{binaryExists: dnf, then: Execute, else: Skip}]", True),
        ("{or: [{numberEquals: 1, value: '1.0'}, {folderExists: /opt}]}", True),
        ("{fileSHA256Equals: abc, path: /opt/a}", True),
        (_nested(4), True),
        (_nested(5), False),
        ("{fileSHA256Equals: abc, value: /opt/a}", False),
        ("{fileExists: /opt/a, value: x}", False),
        ("{not: [{fileExists: /a}]}", False),
        ("{and: {fileExists: /a}}", False),
        ("{and: []}", False),
        ("{then: Skip}", False),
        ("{stringEquals: [a], value: a}", False),
        ("yes", False),
        ("{binaryExists: dnf, else: run}", False),
    ],
)
def test_conditions(tmp_path: Path, condition: str, ok: bool) -> None:
    text = _document(_commands("uname", loop=f"        if: {condition}\n"))
    assert rules_of(tmp_path, text) == ([] if ok else ["IB614"])


# IB615 -------------------------------------------------------------------------------------


def test_an_unknown_data_is_not_measured(tmp_path: Path) -> None:
    text = (
        "Resources:\n  Probe:\n    Type: AWS::ImageBuilder::Component\n    Properties:\n"
        "      Name: probe\n      Version: 1.0.0\n      Platform: Linux\n"
        "      Data: !Sub '${AWS::Region}'\n"
    )
    found = findings(tmp_path, "t.yaml", text, options={"IB615": {"max_characters": 1}})
    assert found == []
