"""The engine on its own: robust to spec options it relies on, stamping, sorting."""

from __future__ import annotations

from pathlib import Path

import pytest

import iblint.engine
from iblint import check_paths
from iblint.config import Config
from iblint.engine import CatalogError
from iblint.specs import RuleEntry, rule_index

INFRA = '{"name": "n", "instanceProfileName": "p", "instanceMetadataOptions": {"httpTokens": "optional"}}'


def test_a_spec_without_the_max_bytes_option_does_not_crash_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = dict(rule_index())
    index["IB003"] = index["IB003"]._replace(options={})
    monkeypatch.setattr(iblint.engine, "rule_index", lambda: index)
    (tmp_path / "infra.json").write_text(INFRA)
    report = check_paths([str(tmp_path)], Config(), root=tmp_path)
    assert [f.rule_id for f in report.findings] == ["IB101"]


def test_max_bytes_option_limits_file_size(tmp_path: Path) -> None:
    (tmp_path / "infra.json").write_text(INFRA)
    config = Config()
    config.options["IB003"] = {"max_bytes": 20}
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
    config = Config()
    config.catalogs.append(tmp_path / "catalog.json")
    report = check_paths([str(tmp_path / "infra.json")], config, root=tmp_path)
    assert [f.rule_id for f in report.findings] == ["IB101"]


@pytest.mark.parametrize(
    "document",
    ['{"componentVersionList": "nope"}', '{"name": "x"}', "[1, 2]", "{", ""],
)
def test_a_file_that_is_not_a_catalog_is_refused(tmp_path: Path, document: str) -> None:
    (tmp_path / "catalog.json").write_text(document)
    config = Config()
    config.catalogs.append(tmp_path / "catalog.json")
    with pytest.raises(CatalogError, match=r"catalog\.json"):
        check_paths([str(tmp_path)], config, root=tmp_path)


@pytest.mark.parametrize("quote", ['"', ""])
def test_a_5000_digit_throughput_does_not_crash_a_check(quote: str) -> None:
    from iblint import check_text

    digits = quote + "9" * 5000 + quote
    text = (
        "parentImage: ami-0123456789abcdef0\nname: r\nsemanticVersion: 1.0.0\n"
        f"blockDeviceMappings: [{{ebs: {{volumeType: gp3, throughput: {digits}}}}}]\n"
    )
    assert [f.rule_id for f in check_text(text, "recipe.yaml")] == ["IB202"]
