"""The fast SARIF path prints what the plain one would (issue 12).

- The built-in rules' entries come from iblint/sarif_rules_data.py, generated from the specs:
  it must be what rendering the specs gives, and the rules a log lists must be those 0.1.0
  rendered from the validated specs at run time.
- :func:`iblint.reporters.sarif.write` prints its log from templates: the text must be exactly
  ``json.dumps(build_log(...), indent=2, ensure_ascii=False)`` with the unsafe characters
  escaped, whatever the findings hold.
- Fingerprints are computed for the lines findings start on only: on the corpus and on any
  text they must be the values of the unit-by-unit port of GitHub's code.
- A SARIF check run validates no spec: pydantic is not imported.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint import check_paths
from iblint.config import Config
from iblint.fingerprints import line_hashes
from iblint.model import Finding, Severity, Span
from iblint.policies import PolicySet, load_policies
from iblint.reporters import ReportContext
from iblint.reporters.sarif import _UNSAFE_IN_JSON, build_log, description, rule_data, write
from iblint.rule_docs import help_markdown, help_text
from iblint.specs import load_specs
from tests import reference_fingerprints

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
EXAMPLE_POLICIES = REPO / "examples" / "policies"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _rules_table_script() -> ModuleType:
    path = REPO / "scripts" / "rules_table.py"
    spec = importlib.util.spec_from_file_location("rules_table_for_sarif", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the shipped rule entries ---------------------------------------------------------------


def test_the_shipped_rule_entries_are_what_the_specs_render() -> None:
    # Regenerate with python scripts/rules_table.py --write after changing a spec.
    from iblint.sarif_rules_data import RULES

    specs = load_specs()
    assert [rule["id"] for rule in RULES] == sorted(specs)
    assert list(RULES) == [rule_data(specs[rule_id]) for rule_id in sorted(specs)]


def test_rules_table_check_mode_flags_stale_sarif_rules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = _rules_table_script()
    readme = tmp_path / "README.md"
    readme.write_text((REPO / "README.md").read_text(encoding="utf-8"), encoding="utf-8")
    index = tmp_path / "rule_index_data.py"
    index.write_text(script.render_index(), encoding="utf-8")
    stale = tmp_path / "sarif_rules_data.py"
    stale.write_text(script.render_sarif_rules().replace("IB101", "IB999", 1), encoding="utf-8")
    monkeypatch.setattr(script, "INDEX", index)
    monkeypatch.setattr(script, "SARIF_RULES", stale)
    assert script.main(["--check", "--readme", str(readme)]) == 1
    assert script.main(["--write", "--readme", str(readme)]) == 0
    assert stale.read_text(encoding="utf-8") == script.render_sarif_rules()
    assert script.main(["--check", "--readme", str(readme)]) == 0


def _rules_as_rendered_from_the_specs(severities: Mapping[str, Severity]) -> list[Any]:
    """The rule entries as iblint 0.1.0 built them: from the validated specs, at run time."""
    specs = load_specs()
    precision = {"error": "very-high", "warning": "high", "note": "medium"}
    problem = {"error": "error", "warning": "warning", "note": "recommendation"}
    security = {"error": "7.5", "warning": "5.0", "note": "2.0"}
    rules = []
    for rule_id in sorted(specs):
        spec = specs[rule_id]
        level = severities.get(spec.id, spec.severity).value
        tags = ["image-builder", spec.family]
        if spec.id.startswith(("IB1", "IB2", "IB3", "IB4")):
            tags.append("security" if spec.id.startswith("IB1") else "correctness")
        properties: dict[str, Any] = {
            "tags": tags,
            "precision": precision[level],
            "problem.severity": problem[level],
        }
        if "security" in tags:
            properties["security-severity"] = security[level]
        rules.append(
            {
                "id": spec.id,
                "name": spec.name,
                "shortDescription": {"text": description(spec.summary)},
                "fullDescription": {"text": description(spec.what.strip())},
                "help": {"text": help_text(spec), "markdown": help_markdown(spec)},
                "defaultConfiguration": {"level": level},
                "properties": properties,
                "helpUri": spec.references[0],
            }
        )
    return rules


@pytest.mark.parametrize(
    "severities",
    [
        {},
        {"IB101": Severity.NOTE, "IB201": Severity.WARNING, "IB001": Severity.NOTE},
        {"IB102": Severity.ERROR, "IB401": Severity.WARNING, "IB301": Severity.ERROR},
    ],
)
def test_the_rules_are_those_the_specs_render(severities: dict[str, Severity]) -> None:
    log = build_log([], severities)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert rules == _rules_as_rendered_from_the_specs(severities)


# --- the printed log is json.dumps of build_log ---------------------------------------------


def _reference_text(log: dict[str, Any]) -> str:
    """What the reporter wrote before it had templates: the whole log through json.dumps."""
    text = json.dumps(log, indent=2, ensure_ascii=False)
    return _UNSAFE_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n"


def _written(findings: list[Finding], context: ReportContext) -> str:
    stream = io.StringIO()
    write(findings, context, stream)
    return stream.getvalue()


_HOSTILE = st.text(
    st.sampled_from(
        [
            "a",
            "Z",
            " ",
            '"',
            "\\",
            "/",
            "\n",
            "\t",
            "\x00",
            "\x1b",
            "\x7f",
            "\x85",
            "\u061c",
            "\u200f",
            "\u2028",
            "\u202e",
            "\u2067",
            "\ud800",
            "\udcff",
            "é",
            "😀",
            "%",
        ]
    ),
    max_size=12,
)
#: Files the findings may point into (written below), a file that does not exist, a path
#: outside the working directory, and names that need percent-encoding.
_PATHS = st.sampled_from(
    [
        "a.yaml",
        "sub/b c.json",
        "sub/deeper/ü.yaml",
        "sub/../a.yaml",
        "./sub/b c.json",
        "missing.yaml",
        "../outside.yaml",
        "raw\udcff.yaml",
        "q%20.yaml",
    ]
)
_FILES = {
    "a.yaml": "Resources:\n  R:\n    Type: AWS::ImageBuilder::Image\n" * 5,
    "sub/b c.json": '{\n  "a": 1,\n  "b": [1, 2]\n}\n',
    "sub/deeper/ü.yaml": "x: 😀 é\r\ny: 2\r\n" * 3,
    "q%20.yaml": "same\nsame\nsame\n",
}
_RULE_IDS = st.sampled_from(["IB001", "IB101", "IB201", "IB401", "ORG001", "ORG006"])


@st.composite
def _findings(draw: st.DrawFn, justified: bool) -> Finding:
    start_line = draw(st.integers(1, 12))
    start_col = draw(st.integers(1, 40))
    end_line = draw(st.integers(start_line, start_line + 2))
    end_col = draw(st.integers(1, 50))
    justification = draw(st.one_of(st.just(""), _HOSTILE)) if justified else None
    return Finding(
        draw(_RULE_IDS),
        "name",
        draw(st.sampled_from(list(Severity))),
        draw(_PATHS),
        Span(start_line, start_col, end_line, end_col),
        draw(_HOSTILE),
        draw(_HOSTILE),
        justification=justification,
    )


_POLICIES: list[PolicySet] = []


def _policies() -> PolicySet:
    if not _POLICIES:
        _POLICIES.append(load_policies([EXAMPLE_POLICIES]))
    return _POLICIES[0]


@pytest.fixture(scope="module")
def tree() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "repo"
        for name, text in _FILES.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(text.encode("utf-8"))
        raw = os.fsencode(root) + b"/raw\xff.yaml"
        with open(raw, "wb") as stream:
            stream.write(b"key: value\n" * 4)
        (root.parent / "outside.yaml").write_text("outside: 1\n" * 12)
        yield root


@FUZZ
@given(
    findings=st.lists(_findings(False), max_size=6),
    suppressed=st.lists(_findings(True), max_size=3),
    severities=st.dictionaries(_RULE_IDS, st.sampled_from(list(Severity)), max_size=3),
    max_file_bytes=st.sampled_from([10**6, 60]),
)
def test_the_printed_log_is_json_dumps_of_build_log(
    tree: Path,
    findings: list[Finding],
    suppressed: list[Finding],
    severities: dict[str, Severity],
    max_file_bytes: int,
) -> None:
    policies = _policies()
    context = ReportContext(
        files_checked=len(findings),
        severities=severities,
        max_file_bytes=max_file_bytes,
        policies=policies,
        suppressed=tuple(suppressed),
    )
    with contextlib.chdir(tree):
        log = build_log(findings, severities, None, max_file_bytes, policies, suppressed)
        assert _written(findings, context) == _reference_text(log)


def test_artifact_locations_are_worked_out_once_a_directory_as_once_a_file(tree: Path) -> None:
    from urllib.parse import quote

    from iblint.reporters.locations import SourceRoot
    from iblint.reporters.sarif import _path_bytes, _Places

    (tree / ".git").mkdir(exist_ok=True)
    try:
        paths = [
            "a.yaml",
            "sub/b c.json",
            "sub//b c.json",
            "sub/./deeper/../b c.json",
            "sub/deeper/ü.yaml",
            "sub/..",
            "sub/.",
            "sub/",
            ".",
            "..",
            "../outside.yaml",
            "../repo/a.yaml",
            str(tree / "sub" / "x.yaml"),
            str(tree.parent / "outside.yaml"),
            "/",
            "raw\udcff.yaml",
            "x\ud800y.yaml",
        ]
        for cwd in (tree, tree / "sub"):
            root = SourceRoot(cwd)
            places = _Places(cwd)
            for path in paths:
                # As the reporter placed each file before it cached by directory.
                relative = root.relative(path)
                if relative is None:
                    expected = {"uri": "file://" + quote(_path_bytes(str(root.absolute(path))))}
                else:
                    expected = {"uri": quote(_path_bytes(str(relative))), "uriBaseId": "%SRCROOT%"}
                assert places.artifact(path) == expected, (cwd, path)
    finally:
        (tree / ".git").rmdir()


def test_a_log_without_findings_or_policies_is_json_dumps_of_build_log(tree: Path) -> None:
    with contextlib.chdir(tree):
        assert _written([], ReportContext(files_checked=0)) == _reference_text(build_log([]))


# --- fingerprints --------------------------------------------------------------------------


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} not found")
def test_corpus_fingerprints_are_those_of_the_reference_port() -> None:
    """Every finding on the real files, suppressed ones included, through the reporter."""
    report = check_paths(["."], Config(), root=CORPUS)
    assert report.findings
    with contextlib.chdir(CORPUS):
        text = _written(report.findings, ReportContext(0, suppressed=report.suppressed))
    results = json.loads(text)["runs"][0]["results"]
    assert len(results) == len(report.findings) + len(report.suppressed)
    expected: dict[str, dict[int, str]] = {}
    for finding, result in zip([*report.findings, *report.suppressed], results, strict=True):
        if finding.path not in expected:
            expected[finding.path] = reference_fingerprints.line_hashes(
                (CORPUS / finding.path).read_bytes()
            )
        fingerprint = result["partialFingerprints"]["primaryLocationLineHash"]
        assert fingerprint == expected[finding.path][finding.span.start_line], finding


_PIECES = st.sampled_from(
    ["a", "B!", "AF", "k: v", "x" * 40, " ", "\t", "\n", "\r", "\r\n", "\r \n", "é", "😀"]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(_PIECES, max_size=300),
    repeat=st.sampled_from([1, 1, 2, 40]),
    lines=st.sets(st.integers(-2, 140), max_size=20),
    ascii_only=st.booleans(),
)
def test_any_lines_get_the_reference_fingerprints(
    pieces: list[str], repeat: int, lines: set[int], ascii_only: bool
) -> None:
    """ASCII text (hashed as bytes) and any other, repeated (equal lines, counted); few lines
    asked for (counted in C) and many (counted as the action does)."""
    text = "".join(piece for piece in pieces if piece.isascii() or not ascii_only) * repeat
    data = text.encode("utf-8")
    expected = reference_fingerprints.line_hashes(data)
    assert line_hashes(data, lines) == {line: expected[line] for line in lines if line in expected}


def test_counts_are_of_equal_hashes_not_of_equal_lines() -> None:
    # 'B' * 37 + '!' == 'A' * 37 + 'F': lines of 100 units or more hash only themselves, so
    # these two differ and hash alike; the action counts the second as the hash's second.
    data = b"B!" + b"x" * 100 + b"\n" + b"AF" + b"x" * 100 + b"\n"
    expected = reference_fingerprints.line_hashes(data)
    assert expected[1].split(":")[0] == expected[2].split(":")[0]
    assert line_hashes(data, {2}) == {2: expected[2]} and expected[2].endswith(":2")
    assert line_hashes(data) == expected


# --- what a SARIF run imports ---------------------------------------------------------------


def test_a_sarif_run_validates_no_spec(tmp_path: Path) -> None:
    (tmp_path / "request.json").write_text(
        '{"name": "n", "instanceProfileName": "p", '
        '"instanceMetadataOptions": {"httpTokens": "optional"}}'
    )
    code = (
        "import sys; from iblint.cli import main; "
        "main(['check', '--no-config', '--format', 'sarif', '-o', 'out.sarif', 'request.json']); "
        "print(sorted(m for m in ('pydantic', 'iblint.spec_model', 'yaml') if m in sys.modules))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert completed.stdout.strip().splitlines()[-1] == "[]", completed.stdout + completed.stderr
    log = json.loads((tmp_path / "out.sarif").read_text(encoding="utf-8"))
    assert "IB101" in {result["ruleId"] for result in log["runs"][0]["results"]}
