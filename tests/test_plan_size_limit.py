"""A Terraform plan has its own, larger size limit (IB003 ``max_plan_bytes``): a file is read up
to it only when its first 64 KiB say it is a plan; every other file keeps ``max_bytes``."""

from __future__ import annotations

import json
from pathlib import Path

from iblint import check_paths
from iblint.config import Config
from iblint.dialects.plan_selection import may_be_plan
from iblint.loading import load_bytes
from iblint.reading import SNIFF_BYTES, read_file
from iblint.syntax.limits import MAX_FILE_BYTES, MAX_PLAN_BYTES, SizeLimits
from tests.terraform.plan_documents import PLAN, check_on_stdin

#: Data that makes a plan as large as wanted without changing what iblint reads in it.
PADDING = "prior_state"


def _plan(size: int) -> str:
    """PLAN grown to ``size`` characters with a member the plan dialect does not read."""
    document = json.loads(PLAN)
    document[PADDING] = ""
    text = json.dumps(document, separators=(",", ":"))
    document[PADDING] = "x" * (size - len(text))
    return json.dumps(document, separators=(",", ":"))


def _ids(tmp_path: Path, options: dict[str, int] | None = None) -> list[str]:
    config = Config.build(options={"IB003": options or {}})
    return [finding.rule_id for finding in check_paths([str(tmp_path)], config).findings]


def test_a_plan_over_max_bytes_is_read_up_to_max_plan_bytes(tmp_path: Path) -> None:
    (tmp_path / "tfplan.json").write_text(_plan(5000))
    found = _ids(tmp_path, {"max_bytes": 1000})
    assert "IB003" not in found
    assert "IB201" in found  # the plan was checked
    assert found == _ids(tmp_path)


def test_other_json_over_max_bytes_is_still_too_large(tmp_path: Path) -> None:
    template = {
        "Resources": {
            "R": {
                "Type": "AWS::ImageBuilder::ImageRecipe",
                "Properties": {"Description": "x" * 5000},
            }
        },
    }
    (tmp_path / "template.json").write_text(json.dumps(template))
    assert _ids(tmp_path, {"max_bytes": 1000}) == ["IB003"]


def test_a_plan_over_max_plan_bytes_is_too_large(tmp_path: Path) -> None:
    (tmp_path / "tfplan.json").write_text(_plan(5000))
    config = Config.build(options={"IB003": {"max_bytes": 1000, "max_plan_bytes": 4000}})
    (finding,) = check_paths([str(tmp_path)], config).findings
    assert finding.rule_id == "IB003"
    assert "over the 4,000-byte limit" in finding.message
    assert "IB003.max_plan_bytes" in finding.fix


def test_max_bytes_above_max_plan_bytes_applies_to_plans_too(tmp_path: Path) -> None:
    (tmp_path / "tfplan.json").write_text(_plan(5000))
    assert "IB003" not in _ids(tmp_path, {"max_bytes": 10_000, "max_plan_bytes": 1000})


def test_plan_markers_past_the_first_64_kib_do_not_count(tmp_path: Path) -> None:
    document = {"a": "aws_imagebuilder_" + "x" * SNIFF_BYTES, **json.loads(PLAN)}
    (tmp_path / "tfplan.json").write_text(json.dumps(document))
    assert _ids(tmp_path, {"max_bytes": SNIFF_BYTES}) == ["IB003"]


def test_the_read_itself(tmp_path: Path) -> None:
    path = tmp_path / "tfplan.json"
    text = _plan(5000)
    path.write_text(text)
    assert read_file(path, 1000, larger=(6000, may_be_plan)) == text.encode()
    problem = read_file(path, 1000, larger=(4000, may_be_plan))
    assert not isinstance(problem, bytes) and problem is not None
    assert problem.kind == "IB003" and "4,000" in problem.message
    refused = read_file(path, 1000, larger=(6000, lambda head: False))
    assert not isinstance(refused, bytes) and refused is not None
    assert "1,000" in refused.message


def test_bytes_given_directly_follow_the_same_limits() -> None:
    data = _plan(5000).encode()
    limits = SizeLimits(any=1000, plan=6000)
    assert load_bytes(data, "tfplan.json", max_bytes=1000, limits=limits).resources
    small = SizeLimits(any=1000, plan=4000)
    loaded = load_bytes(data, "tfplan.json", max_bytes=1000, limits=small)
    assert [problem.kind for problem in loaded.input_problems] == ["IB003"]
    assert "max_plan_bytes" in loaded.input_problems[0].fix


def test_the_default_fits_a_large_plan() -> None:
    assert MAX_PLAN_BYTES == 64 * 1024 * 1024 > MAX_FILE_BYTES
    assert Config().rule_options("IB003")["max_plan_bytes"] == MAX_PLAN_BYTES


# --- a plan on standard input (`terraform show -json plan.out | iblint check -`) -----------------


def _stdin_ids(text: str, *options: str) -> list[str]:
    completed = check_on_stdin(text, *options)
    assert completed.returncode in (0, 1), completed.stderr
    report = json.loads(completed.stdout)
    findings = report["findings"] if isinstance(report, dict) else report
    return [finding["rule_id"] for finding in findings]


def test_a_plan_on_standard_input_has_the_plans_limit_too() -> None:
    found = _stdin_ids(_plan(5000), "--option", "IB003.max_bytes=1000")
    assert "IB003" not in found and "IB201" in found  # read up to max_plan_bytes, checked
    options = ["--option", "IB003.max_bytes=1000", "--option", "IB003.max_plan_bytes=4000"]
    assert _stdin_ids(_plan(5000), *options) == ["IB003"]  # past the plan's own limit


def test_other_text_on_standard_input_keeps_max_bytes() -> None:
    template = {"Resources": {"R": {"Type": "AWS::ImageBuilder::ImageRecipe"}}, "x": "y" * 5000}
    assert _stdin_ids(json.dumps(template), "--option", "IB003.max_bytes=1000") == ["IB003"]
