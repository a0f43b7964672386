"""SARIF output, validated by ``../shared/sarif/check-sarif --strict`` (schema, GitHub code
scanning requirements, fingerprints recomputed from the files) and checked field by field."""

from __future__ import annotations

import codecs
import importlib.machinery
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner

from iblint.cli import main
from iblint.fingerprints import line_hashes
from iblint.specs import load_specs
from tests.documents import API_INFRA_BAD, API_RECIPE_BAD, CFN_TEMPLATE_BAD, CFN_TEMPLATE_GOOD

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CHECK_SARIF = SHARED / "sarif" / "check-sarif"

pytestmark = pytest.mark.skipif(
    not CHECK_SARIF.is_file(), reason=f"{CHECK_SARIF} not found (shared/ beside the checkout)"
)


def write_sarif(directory: Path, monkeypatch: pytest.MonkeyPatch, *paths: str) -> dict[str, Any]:
    """Runs ``iblint check --format sarif -o out.sarif PATHS`` with ``directory`` as the cwd."""
    monkeypatch.chdir(directory)
    with CliRunner().isolation():
        code = main(["check", "--format", "sarif", "--output", "out.sarif", *(paths or ["."])])
    assert code in (0, 1)
    log: dict[str, Any] = json.loads((directory / "out.sarif").read_text(encoding="utf-8"))
    return log


def check_sarif(
    directory: Path, src_root: Path | None = None, strict: bool = True
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(CHECK_SARIF),
            *(["--strict"] if strict else []),
            "--no-multitool",
            "--src-root",
            str(src_root or directory),
            str(directory / "out.sarif"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def problems(completed: subprocess.CompletedProcess[str]) -> list[str]:
    """check-sarif's problem lines."""
    lines = completed.stdout.strip().splitlines()
    assert lines and lines[-1].endswith(" problems"), completed.stdout + completed.stderr
    return [line for line in lines[:-2] if not line.startswith("summary:")]


def assert_valid(directory: Path, src_root: Path | None = None) -> None:
    """``check-sarif --strict`` reports no problem at all."""
    completed = check_sarif(directory, src_root)
    output = completed.stdout + completed.stderr
    assert problems(completed) == [], output
    assert completed.returncode == 0, output
    assert completed.stdout.strip().endswith("0 problems"), output


def _check_sarif_module() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("check_sarif", str(CHECK_SARIF))
    spec = importlib.util.spec_from_loader("check_sarif", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.fixture
def findings_tree(tmp_path: Path) -> Path:
    """Files with findings of several rules, in several encodings, line endings and names."""
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "template.yaml").write_text(CFN_TEMPLATE_BAD)
    (tmp_path / "cfn" / "crlf template.yaml").write_bytes(
        CFN_TEMPLATE_BAD.replace("\n", "\r\n").encode()
    )
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "recipe.json").write_text(API_RECIPE_BAD)
    (tmp_path / "api" / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "api" / "utf16.json").write_bytes(
        codecs.BOM_UTF16_LE + API_INFRA_BAD.encode("utf-16-le")
    )
    (tmp_path / "api" / "ünïcode.json").write_text(
        API_INFRA_BAD.replace('"name": "build', '"name": "😀 build')
    )
    (tmp_path / "broken").mkdir()
    # IB001 at the end of a file that ends with a newline, IB002, IB005.
    (tmp_path / "broken" / "truncated.json").write_text('{\n  "instanceProfileName": "p",\n')
    (tmp_path / "broken" / "duplicate.json").write_text(
        '{\n  "instanceProfileName": "p",\n  "instanceProfileName": "q",\n'
        '  "instanceMetadataOptions": {"httpTokens": "required"}\n}\n'
    )
    (tmp_path / "broken" / "bomb.yaml").write_text(
        "instanceProfileName: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"l{i}: &l{i} [" + ", ".join([f"*{'a' if i == 0 else f'l{i - 1}'}"] * 10) + "]\n"
            for i in range(8)
        )
    )
    return tmp_path


def test_sarif_for_several_rules_passes_check_sarif_strict(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write_sarif(findings_tree, monkeypatch)
    rule_ids = {result["ruleId"] for result in log["runs"][0]["results"]}
    assert rule_ids >= {"IB001", "IB002", "IB005", "IB101", "IB201", "IB202", "IB301"}
    assert_valid(findings_tree)


def test_sarif_without_findings_passes_check_sarif_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "template.yaml").write_text(CFN_TEMPLATE_GOOD)
    log = write_sarif(tmp_path, monkeypatch)
    assert log["runs"][0]["results"] == []
    assert_valid(tmp_path)


def test_sarif_of_an_empty_directory_passes_check_sarif_strict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "empty").mkdir()
    write_sarif(tmp_path, monkeypatch, "empty")
    assert_valid(tmp_path)


def test_check_sarif_really_checks(findings_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken fingerprint makes check-sarif --strict fail: the validation above means something."""
    log = write_sarif(findings_tree, monkeypatch)
    log["runs"][0]["results"][0]["partialFingerprints"]["primaryLocationLineHash"] = "0:1"
    (findings_tree / "out.sarif").write_text(json.dumps(log))
    completed = check_sarif(findings_tree)
    assert completed.returncode != 0
    assert "GH-FINGERPRINT-MISMATCH" in completed.stdout


def test_log_structure(findings_tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = write_sarif(findings_tree, monkeypatch)
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "iblint"
    assert run["columnKind"] == "unicodeCodePoints"
    # No automationDetails: an id in the file would override upload-sarif's `category:`.
    assert "automationDetails" not in run
    assert "informationUri" not in driver  # no placeholder URL
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_rules_carry_their_documentation(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write_sarif(findings_tree, monkeypatch)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    specs = load_specs()
    assert [rule["id"] for rule in rules] == sorted(specs)
    for rule in rules:
        spec = specs[rule["id"]]
        assert rule["name"] == spec.name
        assert rule["shortDescription"]["text"] == spec.summary
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"].startswith(f"{spec.id} {spec.name}")
        assert "Example that fails" in rule["help"]["text"]
        assert "## Example" in rule["help"]["markdown"]
        assert "```" in rule["help"]["markdown"]
        public = [r for r in spec.references if r.startswith("https://")]
        assert rule["helpUri"] == public[0]  # the primary public source, no placeholder
        for text in (rule["help"]["text"], rule["help"]["markdown"]):
            assert "- ../" not in text  # the project's own research notes, which users lack
            for reference in spec.references:
                if reference.startswith("https://"):
                    assert reference in text
        assert rule["defaultConfiguration"]["level"] == spec.severity.value
        tags = rule["properties"]["tags"]
        if "security" in tags:
            severity = float(rule["properties"]["security-severity"])
            assert 0.0 < severity <= 10.0


def test_results_point_at_the_findings(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = write_sarif(findings_tree, monkeypatch)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert results
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"].strip()
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        artifact = physical["artifactLocation"]
        assert not artifact["uri"].startswith(("/", "./", "file:"))
        assert artifact["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) > (
            region["startLine"],
            region["startColumn"],
        )
    by_place = {
        (r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], r["ruleId"]): r
        for r in results
    }
    infra = by_place[("api/infra.json", "IB101")]["locations"][0]["physicalLocation"]["region"]
    assert (infra["startLine"], infra["startColumn"], infra["endLine"], infra["endColumn"]) == (
        4,
        45,
        4,
        55,
    )
    assert ("cfn/crlf%20template.yaml", "IB101") in by_place
    assert ("api/%C3%BCn%C3%AFcode.json", "IB101") in by_place
    truncated = by_place[("broken/truncated.json", "IB001")]["locations"][0]["physicalLocation"]
    assert truncated["region"]["startLine"] == 2  # the last line, not the empty one after it


def test_fingerprints_match_what_check_sarif_and_upload_sarif_compute(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import unquote

    reference = _check_sarif_module().line_hashes
    log = write_sarif(findings_tree, monkeypatch)
    results = log["runs"][0]["results"]
    for result in results:
        physical = result["locations"][0]["physicalLocation"]
        data = (findings_tree / unquote(physical["artifactLocation"]["uri"])).read_bytes()
        expected = reference(data)[physical["region"]["startLine"]]
        assert result["partialFingerprints"]["primaryLocationLineHash"] == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"a\n",
        b"a\r\nb\r\n\r\n",
        b"a\rb\r",
        b"  indented\n\tTabbed\n\n\n",
        "unicode 😀 é\n\u2028x\n".encode(),
        b"\xff\xfe\x00bad utf-8\n",
        ("x" * 250 + "\n") * 3 + "y" * 10,
        (b"same\n" * 5),
    ],
)
def test_line_hashes_port_agrees_with_check_sarif(data: bytes | str) -> None:
    raw = data.encode() if isinstance(data, str) else data
    assert line_hashes(raw) == _check_sarif_module().line_hashes(raw)


# --- URIs relative to the repository root ----------------------------------------------------


def _uris(log: dict[str, Any]) -> set[str]:
    return {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in log["runs"][0]["results"]
    }


@pytest.mark.parametrize("git_is_a_file", [False, True])
def test_uris_are_relative_to_the_repository_root_from_a_subdirectory(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch, git_is_a_file: bool
) -> None:
    if git_is_a_file:  # a worktree or a submodule
        (findings_tree / ".git").write_text("gitdir: /somewhere/else\n")
    else:
        (findings_tree / ".git").mkdir()
    log = write_sarif(findings_tree / "api", monkeypatch, ".", "../cfn/./template.yaml")
    (findings_tree / "api" / "out.sarif").rename(findings_tree / "out.sarif")
    uris = _uris(log)
    assert "api/infra.json" in uris
    assert "cfn/template.yaml" in uris
    for result in log["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        assert not artifact["uri"].startswith(("/", ".", "file:"))
        assert "/./" not in artifact["uri"] and "/../" not in artifact["uri"]
    assert_valid(findings_tree)  # fingerprints recomputed from the files at root + uri


def test_without_a_repository_uris_are_relative_to_the_working_directory(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not any((parent / ".git").exists() for parent in findings_tree.parents)
    log = write_sarif(findings_tree / "api", monkeypatch)
    assert "infra.json" in _uris(log)


def test_a_file_outside_the_repository_gets_an_absolute_file_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "infra.json").write_text(API_INFRA_BAD)
    (tmp_path / "outside.json").write_text(API_INFRA_BAD)
    log = write_sarif(repository, monkeypatch, ".", "../outside.json")
    outside = (tmp_path / "outside.json").as_uri()
    assert _uris(log) == {"infra.json", outside}
    for result in log["runs"][0]["results"]:
        artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
        if artifact["uri"] == outside:
            assert "uriBaseId" not in artifact
            assert result["partialFingerprints"]["primaryLocationLineHash"]
    completed = check_sarif(repository, strict=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


# --- severity overrides ----------------------------------------------------------------------


def test_severity_overrides_reach_the_rule_metadata(
    findings_tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(findings_tree)
    with CliRunner().isolation():
        code = main(
            ["check", "--format", "sarif", "-o", "out.sarif", "--severity", "IB101=note", "."]
        )
    assert code == 1
    log = json.loads((findings_tree / "out.sarif").read_text(encoding="utf-8"))
    rules = {rule["id"]: rule for rule in log["runs"][0]["tool"]["driver"]["rules"]}
    ib101 = rules["IB101"]
    assert ib101["defaultConfiguration"]["level"] == "note"
    assert ib101["properties"]["precision"] == "medium"
    assert ib101["properties"]["problem.severity"] == "recommendation"
    assert ib101["properties"]["security-severity"] == "2.0"
    levels = {r["level"] for r in log["runs"][0]["results"] if r["ruleId"] == "IB101"}
    assert levels == {"note"}
    default = load_specs()["IB201"].severity.value
    assert rules["IB201"]["defaultConfiguration"]["level"] == default  # others unchanged
    assert_valid(findings_tree)
