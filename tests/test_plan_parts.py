"""A large Terraform plan checked in parts by several processes (:func:`iblint.parallel.plan_parts`,
:class:`iblint.model.Portion`) gives exactly what one reading of it gives.

Each part reads the whole plan but builds and checks only its run of the resource changes (and
the first part the resources only planned values hold), reading the other parts' pipelines for
IB102; the first part alone reports what the file as a whole gives. The parts' resources
together are the whole reading's, and a report in parts is the report in one process.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iblint import check_paths, parallel
from iblint.config import Config
from iblint.dialects import RunCache
from iblint.discover import Discovered, FilePart, discover
from iblint.engine import Report
from iblint.loading import load_part, load_text
from iblint.model import LoadedFile, Portion, Resource, ResourceKind
from iblint.syntax.limits import SizeLimits
from tests.terraform.plan_documents import NOOP_PLAN, PLAN, check_on_stdin
from tests.terraform.test_plan_selection import FUZZ, IB, RICH, _change, _mutated_plans
from tests.trees import assert_same_resources

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_PLAN = REPO / "examples" / "terraform" / "plan" / "tfplan.json"
RELATED = frozenset({ResourceKind.IMAGE_PIPELINE})
LIMITS = SizeLimits()


def _container_build_plan(builds: int) -> dict[str, Any]:
    """Infrastructure configurations with hop limit 1 first, then the pipelines that build a
    container recipe on each: cut in two, every pipeline is in the other part (IB102)."""
    infrastructure = [
        _change(
            f"{IB}infrastructure_configuration.i{index}",
            f"{IB}infrastructure_configuration",
            {
                "name": f"infra-{index}",
                "instance_profile_name": "p",
                "instance_metadata_options": [
                    {"http_tokens": "required", "http_put_response_hop_limit": 1}
                ],
            },
        )
        for index in range(builds)
    ]
    pipelines = [
        _change(
            f"{IB}image_pipeline.p{index}",
            f"{IB}image_pipeline",
            {
                "name": f"pipe-{index}",
                "container_recipe_arn": "arn:aws:imagebuilder:us-east-1:123456789012:"
                "container-recipe/app/1.0.0",
                "infrastructure_configuration_arn": "arn:aws:imagebuilder:us-east-1:"
                f"123456789012:infrastructure-configuration/infra-{index}",
            },
        )
        for index in range(builds)
    ]
    for index, infra in enumerate(infrastructure):
        infra["change"]["after"]["arn"] = (
            f"arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/infra-{index}"
        )
        infra["change"]["after_unknown"] = {}
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.8",
        "resource_changes": [*infrastructure, *pipelines],
    }


def _repeated_block_plan() -> dict[str, Any]:
    """A recipe in the second half that gives a single block twice (an input problem its
    part reports) and one planned only (the first part's)."""
    plan = copy.deepcopy(RICH)
    after = {
        "name": "twice",
        "version": "1.0.0",
        "parent_image": "ami-1",
        "systems_manager_agent": [
            {"uninstall_after_build": False},
            {"uninstall_after_build": True},
        ],
    }
    plan["resource_changes"].append(_change(f"{IB}image_recipe.twice", f"{IB}image_recipe", after))
    return plan


def _texts() -> dict[str, str]:
    texts = {
        "rich": json.dumps(RICH),
        "rich-indented": json.dumps(RICH, indent=2),
        "repeated-block": json.dumps(_repeated_block_plan()),
        "container-builds": json.dumps(_container_build_plan(5)),
        "plan": PLAN,
        "noop": NOOP_PLAN,
        "example": EXAMPLE_PLAN.read_text(),
        # What only a whole reading can say: the first part reads it whole, the others nothing.
        "duplicate-key": json.dumps(RICH).replace(
            '{"format_version"', '{"errored":true,"errored":false,"format_version"', 1
        ),
        "not-json": json.dumps(RICH)[:-40],
        "no-changes": json.dumps({**RICH, "resource_changes": []}),
        # Another dialect claims it first (an AWSTOE document's members beside the plan's):
        # read once, as a whole reading reads it, not once per part.
        "component-first": json.dumps(
            {
                "schemaVersion": 1.0,
                "phases": [{"name": "build", "steps": [{"name": "S", "action": "Nope"}]}],
                **RICH,
            }
        ),
    }
    return texts


def _parts(text: str, runs: int) -> list[LoadedFile]:
    return [
        load_part(
            text,
            "plan.json",
            Path("plan.json"),
            RunCache(),
            LIMITS,
            Portion(index, index + 1, runs, RELATED),
        )
        for index in range(runs)
    ]


def _ordered(resources: list[Resource]) -> list[Resource]:
    return sorted(resources, key=lambda resource: (resource.anchor, resource.name))


def assert_parts_make_the_whole(text: str, runs: int) -> list[LoadedFile]:
    whole = load_text(text, "plan.json")
    parts = _parts(text, runs)
    assert_same_resources(
        _ordered(whole.resources),
        _ordered([resource for part in parts for resource in part.resources]),
    )
    assert Counter(whole.input_problems) == Counter(
        problem for part in parts for problem in part.input_problems
    )
    for index, part in enumerate(parts):
        if not part.resources:
            continue  # nothing checked, nothing to relate to
        own = {resource.name for resource in part.resources}
        others = {
            resource.name
            for other in parts[:index] + parts[index + 1 :]
            for resource in other.resources
            if resource.kind in RELATED
        }
        assert {resource.name for resource in part.related} == others - own
        assert all(resource.kind in RELATED for resource in part.related)
    return parts


@pytest.mark.parametrize("runs", [2, 3, 7])
@pytest.mark.parametrize("name", list(_texts()))
def test_the_parts_of_a_plan_make_the_whole(name: str, runs: int) -> None:
    parts = assert_parts_make_the_whole(_texts()[name], runs)
    if name in ("duplicate-key", "not-json"):  # read whole by the first part
        assert not any(part.resources or part.input_problems for part in parts[1:])
    if name == "container-builds":
        assert all(part.resources for part in parts)  # every part has its own run


@FUZZ
@given(_mutated_plans(), st.sampled_from([2, 3]))
def test_the_parts_of_mutated_plans_make_the_whole(plan: dict[str, Any], runs: int) -> None:
    assert_parts_make_the_whole(json.dumps(plan), runs)


# --- whole runs: the report in parts is the report in one process -----------------------------


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans of any size are cut, one part per process asked for."""
    monkeypatch.setattr(parallel, "PLAN_PART_BYTES", 1)
    monkeypatch.setattr(parallel, "PLAN_BYTES_PER_FILE", 1)


def _report(root: Path, jobs: int | None, **options: Any) -> Report:
    return check_paths([str(root)], Config.build(jobs=jobs, **options), root=root)


def _same(one: Report, other: Report) -> None:
    assert other.findings == one.findings
    assert other.suppressed == one.suppressed
    assert other.files_checked == one.files_checked


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("jobs", [2, 3])
def test_a_plan_checked_in_parts_reports_what_one_process_does(tmp_path: Path, jobs: int) -> None:
    rules: set[str] = set()
    for name, text in _texts().items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "tfplan.json").write_text(text)
        files: list[Discovered | FilePart] = list(discover([str(folder)]))
        shares = parallel.shares(files, jobs, _parts_of)
        assert [[type(source) for source in share] for share in shares] == [[FilePart]] * jobs
        one = _report(folder, 1)
        assert one.files_checked == 1
        rules |= {finding.rule_id for finding in one.findings}
        _same(one, _report(folder, jobs))
    assert {"IB101", "IB102", "IB001"} <= rules  # the plans exercise them


@pytest.mark.usefixtures("small_parts")
def test_ib102_relates_a_pipeline_to_a_configuration_of_another_part(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(_container_build_plan(4)))
    files: list[Discovered | FilePart] = list(discover([str(tmp_path / "plan.json")]))
    parts = parallel.shares(files, 2, _parts_of)
    assert [[type(source) for source in share] for share in parts] == [[FilePart], [FilePart]]
    one = _report(tmp_path, 1)
    assert sorted(finding.rule_id for finding in one.findings) == ["IB102"] * 4
    _same(one, _report(tmp_path, 2))


@pytest.mark.usefixtures("small_parts")
def test_a_file_over_its_time_budget_in_several_parts_is_reported_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "plan.json").write_text(json.dumps(_container_build_plan(4)))
    import iblint.engine

    def endless(*args: Any) -> LoadedFile:
        while True:
            pass

    monkeypatch.setattr(iblint.engine, "load_part", endless)
    report = _report(tmp_path, 2, options={"IB007": {"max_seconds": 0.2}})
    assert [(finding.rule_id, finding.path) for finding in report.findings] == [
        ("IB007", "plan.json")
    ]
    assert report.files_checked == 1


# --- which files are cut, and how shares are made --------------------------------------------


def _cut(source: Discovered, count: int) -> list[FilePart]:
    return parallel.plan_parts(source, count, LIMITS, RELATED)


def _parts_of(source: Discovered | FilePart, count: int) -> list[Discovered | FilePart]:
    assert isinstance(source, Discovered)
    return list(_cut(source, count))


def _one(path: Path) -> Discovered:
    (found,) = discover([str(path)])
    return found


def test_only_a_plan_of_at_least_two_parts_bytes_is_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(RICH))
    size = plan.stat().st_size
    monkeypatch.setattr(parallel, "PLAN_PART_BYTES", size // 3)
    parts = _cut(_one(plan), 8)
    assert [part.portion for part in parts] == [Portion(i, i + 1, 3, RELATED) for i in range(3)]
    assert all(part.text == plan.read_text() and part.file == _one(plan) for part in parts)
    assert [part.portion for part in _cut(_one(plan), 2)] == [
        Portion(0, 1, 2, RELATED),
        Portion(1, 2, 2, RELATED),
    ]
    assert _cut(_one(plan), 1) == []
    monkeypatch.setattr(parallel, "PLAN_PART_BYTES", size // 2 + 1)
    assert _cut(_one(plan), 8) == []  # one part's worth


@pytest.mark.usefixtures("small_parts")
def test_what_is_not_a_plan_is_never_cut(tmp_path: Path) -> None:
    template = tmp_path / "template.json"
    template.write_text(json.dumps({"Resources": {"R": {"Type": "AWS::ImageBuilder::Image"}}}))
    named = tmp_path / "plan.yaml"  # a plan is JSON: a YAML file is read as YAML
    named.write_text(json.dumps(RICH))
    undecodable = tmp_path / "undecodable.json"  # a plan's head, then bytes not UTF-8
    undecodable.write_bytes(json.dumps(RICH).encode()[:-2] + b"\xff}")
    assert _parts_of(_one(template), 2) == []
    assert _parts_of(_one(named), 2) == []
    assert _parts_of(_one(undecodable), 2) == []  # checked whole: its reading reports it
    report = _report(tmp_path, 2)
    assert [f.rule_id for f in report.findings if f.path == "undecodable.json"] == ["IB006"]
    files: list[Discovered | FilePart] = [_one(template)]
    assert parallel.shares(files, 2, _parts_of) == [files]


@pytest.mark.usefixtures("small_parts")
def test_one_process_never_cuts_a_plan(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(RICH))
    files: list[Discovered | FilePart] = [_one(plan)]
    assert parallel.shares(files, 1, _parts_of) == [files]


def test_parts_of_a_file_in_one_share_are_joined(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(RICH))
    source = _one(plan)
    text = plan.read_text()
    parts = [FilePart(source, text, Portion(i, i + 1, 4, RELATED)) for i in range(4)]
    other = _one(plan)._replace(display="other.json")
    sources: list[Discovered | FilePart] = [other, *parts[1:3], other]
    assert parallel._joined(sources) == [
        other,
        FilePart(source, text, Portion(1, 3, 4, RELATED)),
        other,
    ]
    whole: list[Discovered | FilePart] = list(parts)
    assert parallel._joined(whole) == [source]  # all of it: the file itself
    assert parallel._joined([parts[0], parts[2]]) == [parts[0], parts[2]]  # not next


def test_at_most_a_few_parts_and_no_more_bytes_held_than_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(RICH))
    size = plan.stat().st_size
    monkeypatch.setattr(parallel, "PLAN_PART_BYTES", 1)
    assert len(_cut(_one(plan), 64)) == parallel.MAX_PLAN_PARTS  # each part reads it all
    assert parallel.plan_parts(_one(plan), 2, LIMITS, RELATED, room=size - 1) == []
    assert len(parallel.plan_parts(_one(plan), 2, LIMITS, RELATED, room=size)) == 2


def test_the_plans_cut_in_a_run_hold_no_more_than_one_plans_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iblint.catalog import ComponentCatalog
    from iblint.engine import _plan_cutter, _Run

    monkeypatch.setattr(parallel, "PLAN_PART_BYTES", 1)
    for name in ("a.json", "b.json", "c.json"):
        (tmp_path / name).write_text(json.dumps(RICH))
    size = (tmp_path / "a.json").stat().st_size
    room = 2 * size + size // 2  # the limit: two plans, not three
    config = Config.build(options={"IB003": {"max_bytes": room, "max_plan_bytes": room}})
    cut = _plan_cutter(_Run(config, ComponentCatalog()))
    assert [len(cut(source, 2)) for source in discover([str(tmp_path)])] == [2, 2, 0]


# --- a plan given as text (standard input, check_text) ----------------------------------------


@pytest.mark.usefixtures("small_parts")
@pytest.mark.parametrize("jobs", [2, 3])
@pytest.mark.parametrize("name", ["plan.json", "-"])
def test_a_plan_given_as_text_is_checked_in_parts_as_in_one_process(jobs: int, name: str) -> None:
    from iblint.engine import TextSource, check_files

    for label, text in _texts().items():
        source = TextSource(text, name)
        sources: list[Discovered | FilePart | TextSource] = [source]
        assert [
            [type(item) for item in share]
            for share in parallel.shares(sources, jobs, _text_parts_of)
        ] == [[FilePart]] * jobs, label
        one = check_files([source], Config(jobs=1))
        _same(one, check_files([source], Config(jobs=jobs)))


def _text_parts_of(source: object, count: int) -> list[FilePart]:
    from iblint.engine import TextSource

    assert isinstance(source, TextSource)
    return parallel.text_plan_parts(source, count, RELATED)


def test_a_text_that_is_not_a_plan_is_never_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    from iblint.engine import TextSource

    monkeypatch.setattr(parallel, "PLAN_PART_BYTES", 1)
    plan = json.dumps(RICH)
    assert _text_parts_of(TextSource(plan, "plan.tfvars.json"), 2) == []  # never checked
    assert _text_parts_of(TextSource("[" + plan + "]", "-"), 2) == []  # not an object
    template = json.dumps({"Resources": {"R": {"Type": "AWS::ImageBuilder::Image"}}})
    assert _text_parts_of(TextSource(template, "t.json"), 2) == []


def test_a_large_plan_on_standard_input_is_checked_in_parts(tmp_path: Path) -> None:
    """Through the command, at the real threshold (a plan of 1 MiB: two parts)."""
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    text = generate.plan(2**20 + 2**17)
    (tmp_path / "plan.json").write_text(text)
    runs = {}
    for jobs in ("1", "2"):
        runs[jobs] = check_on_stdin(text, "--jobs", jobs, cwd=tmp_path)
    assert runs["1"].returncode == runs["2"].returncode == 1
    assert runs["1"].stdout == runs["2"].stdout and runs["1"].stderr == runs["2"].stderr == ""
    files = [_one(tmp_path / "plan.json")]
    assert len(_cut(files[0], 2)) == 2  # the same plan in a file is cut too


_DEPRECATED_ARN = "arn:aws:imagebuilder:us-east-1:123456789012:component/hardening/1.0.0/1"


def _recipes_plan(count: int) -> dict[str, Any]:
    """Recipes that each use a component a catalog may say is deprecated (IB401)."""
    recipes = [
        _change(
            f"{IB}image_recipe.r{index}",
            f"{IB}image_recipe",
            {
                "name": f"recipe-{index}",
                "version": "1.0.0",
                "parent_image": "ami-0123456789abcdef0",
                "component": [{"component_arn": _DEPRECATED_ARN}],
            },
        )
        for index in range(count)
    ]
    return {"format_version": "1.2", "terraform_version": "1.9.8", "resource_changes": recipes}


@pytest.mark.usefixtures("small_parts")
def test_the_parts_of_one_plan_run_the_catalog_rules_themselves(tmp_path: Path) -> None:
    """A run that is only the parts of one plan: no other file can add to the catalog, so
    each part runs the catalog rules (IB401) itself, and reports what one process does."""
    catalog = tmp_path / "catalog" / "hardening.json"
    catalog.parent.mkdir()
    catalog.write_text(
        json.dumps({"component": {"arn": _DEPRECATED_ARN, "state": {"status": "DEPRECATED"}}})
    )
    plan = tmp_path / "plan" / "plan.json"
    plan.parent.mkdir()
    plan.write_text(json.dumps(_recipes_plan(6)))
    shares = parallel.shares(list(discover([str(plan)])), 2, _parts_of)
    from iblint.engine import _parts_of_one_file

    assert _parts_of_one_file(shares)
    from iblint.engine import _catalog_from_files, _first_pass, _Run

    config = Config.build(catalogs=[str(catalog)])
    catalog_of_run = _catalog_from_files(config)
    later = _first_pass(shares[1], _Run(config, catalog_of_run), catalog_of_run, True, True)
    assert not list(later.waiting)  # nothing sent back to wait
    assert [finding.rule_id for finding in later.findings] == ["IB401"] * 3
    reports = [
        check_paths([str(plan)], Config.build(jobs=jobs, catalogs=[str(catalog)]), root=tmp_path)
        for jobs in (1, 2)
    ]
    assert [finding.rule_id for finding in reports[0].findings] == ["IB401"] * 6
    _same(reports[0], reports[1])


@pytest.mark.usefixtures("small_parts")
def test_parts_beside_another_file_leave_the_catalog_rules_to_the_end(tmp_path: Path) -> None:
    """A catalog document checked in the same run (a GetComponent response) reaches the
    recipes of every part: the parts' recipes wait for it, as any file's do."""
    (tmp_path / "a-plan.json").write_text(json.dumps(_recipes_plan(6)))
    (tmp_path / "z-catalog.json").write_text(
        json.dumps({"component": {"arn": _DEPRECATED_ARN, "state": {"status": "DEPRECATED"}}})
    )
    shares = parallel.shares(list(discover([str(tmp_path)])), 2, _parts_of)
    from iblint.engine import _parts_of_one_file

    assert not _parts_of_one_file(shares)
    one, two = (_report(tmp_path, jobs, select=["IB4"]) for jobs in (1, 2))
    assert [finding.rule_id for finding in one.findings] == ["IB401"] * 6
    _same(one, two)
