"""The engine on its own: robust to spec options it relies on, stamping, sorting."""

from __future__ import annotations

from pathlib import Path

import pytest

from iblint import check_paths
from iblint.config import Config
from iblint.engine import CatalogError
from iblint.specs import RuleEntry, rule_index

INFRA = '{"name": "build", "instanceProfileName": "p", "instanceMetadataOptions": {"httpTokens": "optional"}}'


def test_max_bytes_option_limits_file_size(tmp_path: Path) -> None:
    (tmp_path / "infra.json").write_text(INFRA)
    config = Config.build(options={"IB003": {"max_bytes": 20}})
    report = check_paths([str(tmp_path)], config, root=tmp_path)
    assert [(f.rule_id, f.path) for f in report.findings] == [("IB003", "infra.json")]


def test_findings_are_sorted_by_path_then_position(tmp_path: Path) -> None:
    for name in ("b.json", "a.json"):
        (tmp_path / name).write_text(INFRA)
    report = check_paths([str(tmp_path)], Config(), root=tmp_path)
    assert [f.path for f in report.findings] == ["a.json", "b.json"]
    assert report.files_checked == 2


def test_rule_entry_is_a_named_tuple() -> None:
    assert isinstance(rule_index()["IB101"], RuleEntry)


@pytest.mark.parametrize(
    "document",
    [
        '{"requestId": "r", "componentVersionList": []}',
        '{"requestId": "r", "componentSummaryList": [], "nextToken": null}',
        "requestId: r\ncomponentVersionList: []\n",
    ],
)
def test_an_empty_catalog_listing_is_a_catalog(tmp_path: Path, document: str) -> None:
    # `aws imagebuilder list-components --owner Self` in an account without components.
    (tmp_path / "catalog.json").write_text(document)
    (tmp_path / "infra.json").write_text(INFRA)
    config = Config.build(catalogs=[tmp_path / "catalog.json"])
    report = check_paths([str(tmp_path / "infra.json")], config, root=tmp_path)
    assert [f.rule_id for f in report.findings] == ["IB101"]


@pytest.mark.parametrize(
    "document",
    ['{"componentVersionList": "nope"}', '{"name": "x"}', "[1, 2]", "{", ""],
)
def test_a_file_that_is_not_a_catalog_is_refused(tmp_path: Path, document: str) -> None:
    (tmp_path / "catalog.json").write_text(document)
    config = Config.build(catalogs=[tmp_path / "catalog.json"])
    with pytest.raises(CatalogError, match=r"catalog\.json"):
        check_paths([str(tmp_path)], config, root=tmp_path)


@pytest.mark.parametrize("quote", ['"', ""])
def test_a_5000_digit_throughput_does_not_crash_a_check(quote: str) -> None:
    from iblint import check_text

    digits = quote + "9" * 5000 + quote
    text = (
        "parentImage: ami-0123456789abcdef0\nname: app\nsemanticVersion: 1.0.0\n"
        f"blockDeviceMappings: [{{ebs: {{volumeType: gp3, throughput: {digits}}}}}]\n"
    )
    assert [f.rule_id for f in check_text(text, "recipe.yaml")] == ["IB202"]


# --- IB2xx numbers ------------------------------------------------------------------------------


def _recipe(ebs: str) -> str:
    return (
        "Resources:\n  Recipe:\n    Type: AWS::ImageBuilder::ImageRecipe\n    Properties:\n"
        "      Name: r\n      Version: 1.0.0\n      ParentImage: ami-0123456789abcdef0\n"
        "      BlockDeviceMappings:\n        - DeviceName: /dev/xvda\n          Ebs:\n"
        + "".join(f"            {line}\n" for line in ebs.splitlines())
    )


def _ib2(text: str, name: str = "template.yaml") -> list[tuple[str, str]]:
    from iblint import check_text

    # The numbers of IB201 and IB202 (IB203 relates throughput to IOPS).
    found = check_text(text, name)
    return [(f.rule_id, f.message) for f in found if f.rule_id in ("IB201", "IB202")]


def test_integral_float_throughput_is_an_integer() -> None:
    found = _ib2(_recipe("VolumeType: gp2\nThroughput: 250.0"))
    assert [rule for rule, _ in found] == ["IB201"]
    assert [rule for rule, _ in _ib2(_recipe("VolumeType: gp3\nThroughput: 2000.0"))] == ["IB202"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1000.5", ["1000.5", "above the maximum"]),
        ("50.5", ["50.5", "below the minimum"]),
        (".inf", ["infinite"]),
        ("-.inf", ["infinite"]),
    ],
)
def test_non_integral_and_infinite_throughput_out_of_range(value: str, words: list[str]) -> None:
    ((rule, message),) = _ib2(_recipe(f"VolumeType: gp3\nThroughput: {value}"))
    assert rule == "IB202"
    for word in words:
        assert word in message, message


def test_in_range_non_integral_throughput_is_not_reported_by_ib202() -> None:
    assert _ib2(_recipe("VolumeType: gp3\nThroughput: 500.5")) == []


@pytest.mark.parametrize("value", ["!Ref Throughput", "!FindInMap [M, k, v]"])
def test_computed_throughput_on_a_cloudformation_gp2_volume_is_reported(value: str) -> None:
    ((rule, message),) = _ib2(_recipe(f"VolumeType: gp2\nThroughput: {value}"))
    assert rule == "IB201" and "computed" in message and "'gp2'" in message


def test_computed_throughput_on_gp3_or_a_computed_type_is_not_reported() -> None:
    assert _ib2(_recipe("VolumeType: gp3\nThroughput: !Ref T")) == []
    assert _ib2(_recipe("VolumeType: !Ref V\nThroughput: !Ref T")) == []


def test_upper_case_gp3_is_named_as_an_invalid_volume_type() -> None:
    ((rule, message),) = _ib2(_recipe("VolumeType: GP3\nThroughput: 250"))
    assert rule == "IB201"
    assert "'GP3' is not a valid volume type" in message and "'gp3'" in message


def test_computed_throughput_in_terraform_is_not_reported() -> None:
    text = (
        'variable "t" {}\nresource "aws_imagebuilder_image_recipe" "r" {\n  name = "r"\n'
        '  version = "1.0.0"\n  parent_image = "ami-0123456789abcdef0"\n'
        '  block_device_mapping {\n    device_name = "/dev/xvda"\n    ebs {\n'
        '      volume_type = "gp2"\n      throughput = var.t\n    }\n  }\n}\n'
    )
    assert _ib2(text, "main.tf") == []
    assert [r for r, _ in _ib2(text.replace("var.t", "250"), "main.tf")] == ["IB201"]


@pytest.mark.parametrize(
    ("comment", "reported_as"),
    [
        ("# iblint: ignore W202 typo", "IB010"),  # a policy-like ID that names no rule
        ("# iblint: ignore IB legacy AMI", "IB010"),
        ("# iblint: ignore imdsv1-allowed", "IB011"),
        ("# iblint: ignore because legacy AMI", "IB011"),
        ("# iblint: ignored", "IB011"),
        ("# iblint: ignore-next-line", "IB011"),
        ("# iblint: ignore IB1011 legacy AMI", "IB010"),
    ],
)
def test_a_malformed_suppression_suppresses_nothing(comment: str, reported_as: str) -> None:
    from iblint import check_text

    text = (
        "name: infra\ninstanceProfileName: builder\n"
        f"instanceMetadataOptions: {{httpTokens: optional}}  {comment}\n"
    )
    # Nothing is suppressed, and the comment is reported (issue 9: never silently).
    assert [f.rule_id for f in check_text(text, "infra.yaml")] == ["IB101", reported_as]


@pytest.mark.parametrize(
    ("comment", "require_reason"),
    [
        ("# iblint: ignore", False),
        ("# iblint: ignore IB101", False),
        ("# iblint: ignore -- legacy AMI", True),
        ("# iblint: ignore IB1 legacy AMI", True),
    ],
)
def test_a_well_formed_suppression_suppresses(comment: str, require_reason: bool) -> None:
    from iblint import check_text
    from iblint.config import Config

    text = (
        "name: infra\ninstanceProfileName: builder\n"
        f"instanceMetadataOptions: {{httpTokens: optional}}  {comment}\n"
    )
    config = Config.build(require_reason=require_reason)
    assert check_text(text, "infra.yaml", config) == []


def test_check_paths_takes_a_single_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "infra.json").write_text(INFRA)
    monkeypatch.chdir(tmp_path)
    as_list = check_paths(["infra"])
    assert [f.path for f in as_list.findings] == ["infra/infra.json"]
    assert check_paths("infra") == as_list
    assert check_paths(Path("infra")) == as_list


def test_severity_overrides_set_by_a_library_caller_ignore_case() -> None:
    from iblint import check_text
    from iblint.config import Config
    from iblint.model import Severity

    config = Config.build(severity={"ib101": Severity.NOTE})
    text = "name: infra\ninstanceProfileName: builder\ninstanceMetadataOptions: {httpTokens: optional}\n"
    (finding,) = check_text(text, "infra.yaml", config)
    assert finding.severity is Severity.NOTE
