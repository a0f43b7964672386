"""The component catalog and IB401, table-driven: how a reference (build version ARN, version
ARN, wildcard) resolves against build-level states (GetComponent, ListComponentBuildVersions)
and version-level entries (ListComponents), in any order of the documents, and what IB401
says about it."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from iblint.catalog import ComponentCatalog
from iblint.checks.components import deprecated_component
from iblint.model import Mapping, Node, Resource, ResourceKind, Scalar, Sequence, Span
from iblint.registry import CheckContext
from iblint.versions import parse_arn

PREFIX = "arn:aws:imagebuilder:us-east-1:123456789012:component"
_SPAN = Span(1, 1, 1, 2)


def node(value: Any) -> Node:
    """A node tree for a JSON-like value (positions do not matter here)."""
    if isinstance(value, dict):
        return Mapping({key: node(item) for key, item in value.items()}, _SPAN)
    if isinstance(value, list):
        return Sequence([node(item) for item in value], _SPAN)
    return Scalar(value, _SPAN)


def build(path: str, status: str | None = None, reason: str | None = None) -> dict[str, Any]:
    """A build-level entry: GetComponent's ``component`` or a ListComponentBuildVersions
    summary (``path`` is NAME/VERSION/BUILD)."""
    body: dict[str, Any] = {"arn": f"{PREFIX}/{path}", "name": path.split("/")[0]}
    if status is not None:
        body["state"] = {"status": status, **({"reason": reason} if reason else {})}
    return body


def listed(path: str, status: str | None = None) -> dict[str, Any]:
    """A ListComponents ComponentVersion entry (``path`` is NAME/VERSION)."""
    body: dict[str, Any] = {"arn": f"{PREFIX}/{path}", "name": path.split("/")[0]}
    if status is not None:
        body["status"] = status
    return body


def catalog_of(entries: list[dict[str, Any]]) -> ComponentCatalog:
    catalog = ComponentCatalog()
    for entry in entries:
        body = node(entry)
        assert isinstance(body, Mapping)
        catalog.add_entry(body)
    return catalog


def resolved(catalog: ComponentCatalog, reference: str) -> list[tuple[str, str | None]]:
    return [
        (entry.label, entry.status)
        for entry in catalog.resolve(parse_arn(reference, ("component",)))
    ]


AGENT_BUILDS = [
    build("agent/1.0.0/1", "DEPRECATED", "1.x is end of support"),
    build("agent/1.2.0/1", "DEPRECATED", "1.x is end of support"),
    build("agent/1.2.0/2", "ACTIVE"),
    build("agent/2.0.0/1", "ACTIVE"),
]

#: (catalog entries, reference, what it resolves to: (label, status) oldest first)
RESOLUTION = {
    "build ARN names one build": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/1.2.0/1",
        [("1.2.0/1", "DEPRECATED")],
    ),
    "build ARN the catalog does not know": (AGENT_BUILDS, f"{PREFIX}/agent/1.2.0/3", []),
    "version ARN names every build of the version": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/1.2.0",
        [("1.2.0/1", "DEPRECATED"), ("1.2.0/2", "ACTIVE")],
    ),
    "version ARN the catalog does not know": (AGENT_BUILDS, f"{PREFIX}/agent/1.1.0", []),
    "1.x.x: every 1.* build": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/1.x.x",
        [("1.0.0/1", "DEPRECATED"), ("1.2.0/1", "DEPRECATED"), ("1.2.0/2", "ACTIVE")],
    ),
    "1.2.x: every 1.2.* build": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/1.2.x",
        [("1.2.0/1", "DEPRECATED"), ("1.2.0/2", "ACTIVE")],
    ),
    "x.x.x: every build": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/x.x.x",
        [
            ("1.0.0/1", "DEPRECATED"),
            ("1.2.0/1", "DEPRECATED"),
            ("1.2.0/2", "ACTIVE"),
            ("2.0.0/1", "ACTIVE"),
        ],
    ),
    "versions compare as numbers, not text": (
        [build("agent/1.10.0/1", "ACTIVE"), build("agent/1.9.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.x.x",
        [("1.9.0/1", "DEPRECATED"), ("1.10.0/1", "ACTIVE")],
    ),
    "versionless ARN resolves to nothing": (AGENT_BUILDS, f"{PREFIX}/agent", []),
    "another partition is another component": (
        AGENT_BUILDS,
        "arn:aws-cn:imagebuilder:us-east-1:123456789012:component/agent/1.2.0/1",
        [],
    ),
    "another region is another component": (
        AGENT_BUILDS,
        "arn:aws:imagebuilder:eu-west-1:123456789012:component/agent/1.2.0/1",
        [],
    ),
    "another account is another component": (
        AGENT_BUILDS,
        "arn:aws:imagebuilder:us-east-1:210987654321:component/agent/1.2.0/1",
        [],
    ),
    "an Amazon-managed component of the same name is another component": (
        AGENT_BUILDS,
        "arn:aws:imagebuilder:us-east-1:aws:component/agent/1.2.0/1",
        [],
    ),
    "another name is another component, even a longer one": (
        AGENT_BUILDS,
        f"{PREFIX}/agent-v2/1.2.0/1",
        [],
    ),
    "GovCloud catalog, GovCloud reference": (
        [
            {
                "arn": "arn:aws-us-gov:imagebuilder:us-gov-west-1:aws:component/agent/1.0.0/1",
                "state": {"status": "DEPRECATED"},
            }
        ],
        "arn:aws-us-gov:imagebuilder:us-gov-west-1:aws:component/agent/x.x.x",
        [("1.0.0/1", "DEPRECATED")],
    ),
    "mixed states of one version": (
        [build("agent/1.2.0/1", "DEPRECATED"), build("agent/1.2.0/2", "DISABLED")],
        f"{PREFIX}/agent/1.2.0",
        [("1.2.0/1", "DEPRECATED"), ("1.2.0/2", "DISABLED")],
    ),
    "status in any case": (
        [build("agent/1.2.0/1", "deprecated")],
        f"{PREFIX}/agent/1.2.0/1",
        [("1.2.0/1", "DEPRECATED")],
    ),
    "a build without state is known, with no status": (
        [build("agent/1.2.0/1")],
        f"{PREFIX}/agent/1.2.0/1",
        [("1.2.0/1", None)],
    ),
    "two documents disagree about a build: the worse state is kept": (
        [build("agent/1.2.0/1", "ACTIVE"), build("agent/1.2.0/1", "DEPRECATED", "why")],
        f"{PREFIX}/agent/1.2.0/1",
        [("1.2.0/1", "DEPRECATED")],
    ),
    # ListComponents: version level.
    "ListComponents alone: a DEPRECATED version stands for its builds": (
        [listed("agent/1.2.0", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0/1",
        [("1.2.0", "DEPRECATED")],
    ),
    "ListComponents alone: a version without status says nothing": (
        [listed("agent/1.2.0")],
        f"{PREFIX}/agent/1.2.0",
        [],
    ),
    "ListComponents lists the version of a deprecated build: the build state wins": (
        [listed("agent/1.2.0", "ACTIVE"), build("agent/1.2.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0/1",
        [("1.2.0/1", "DEPRECATED")],
    ),
    "ListComponents version ACTIVE is no ACTIVE build for a version ARN": (
        [listed("agent/1.2.0", "ACTIVE"), build("agent/1.2.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0",
        [("1.2.0/1", "DEPRECATED")],
    ),
    "ListComponents version ACTIVE is no ACTIVE build for a wildcard": (
        [listed("agent/1.2.0", "ACTIVE"), build("agent/1.2.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.x.x",
        [("1.2.0/1", "DEPRECATED")],
    ),
    "ListComponents version without status next to a deprecated build": (
        [listed("agent/1.2.0"), build("agent/1.2.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0",
        [("1.2.0/1", "DEPRECATED")],
    ),
    "ListComponents ACTIVE says nothing about a build it does not name": (
        [listed("agent/1.2.0", "ACTIVE"), build("agent/1.2.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0/2",
        [],
    ),
    "ListComponents DEPRECATED stands for builds the catalog does not name": (
        [listed("agent/1.2.0", "DEPRECATED"), build("agent/1.2.0/2", "ACTIVE")],
        f"{PREFIX}/agent/1.2.0/3",
        [("1.2.0", "DEPRECATED")],
    ),
    "ListComponents DEPRECATED, a build ACTIVE: the build wins for itself": (
        [listed("agent/1.2.0", "DEPRECATED"), build("agent/1.2.0/2", "ACTIVE")],
        f"{PREFIX}/agent/1.2.0/2",
        [("1.2.0/2", "ACTIVE")],
    ),
    "ListComponents DEPRECATED, a build ACTIVE: a version ARN has the build": (
        [listed("agent/1.2.0", "DEPRECATED"), build("agent/1.2.0/2", "ACTIVE")],
        f"{PREFIX}/agent/1.2.0",
        [("1.2.0/2", "ACTIVE")],
    ),
    "ListComponents ACTIVE stands for a version the catalog names no build of": (
        [build("agent/1.0.0/1", "DEPRECATED"), listed("agent/1.3.0", "ACTIVE")],
        f"{PREFIX}/agent/1.x.x",
        [("1.0.0/1", "DEPRECATED"), ("1.3.0", "ACTIVE")],
    ),
    # Entries the catalog cannot use.
    "a catalog entry with a wildcard or malformed ARN is ignored": (
        [
            {"arn": f"{PREFIX}/agent/1.x.x", "state": {"status": "DEPRECATED"}},
            {"arn": f"{PREFIX}/Agent/1.2.0/1", "state": {"status": "DEPRECATED"}},
            {"arn": f"{PREFIX}/agent/1.2.0/{'9' * 5000}", "state": {"status": "DEPRECATED"}},
            {"arn": 12, "state": {"status": "DEPRECATED"}},
            {"state": {"status": "DEPRECATED"}},
        ],
        f"{PREFIX}/agent/x.x.x",
        [],
    ),
}


@pytest.mark.parametrize(
    ("entries", "reference", "expected"), list(RESOLUTION.values()), ids=list(RESOLUTION)
)
def test_resolution(
    entries: list[dict[str, Any]], reference: str, expected: list[tuple[str, str | None]]
) -> None:
    assert resolved(catalog_of(entries), reference) == expected


@pytest.mark.parametrize(
    ("entries", "reference", "expected"), list(RESOLUTION.values()), ids=list(RESOLUTION)
)
def test_resolution_does_not_depend_on_the_order_of_the_documents(
    entries: list[dict[str, Any]], reference: str, expected: list[tuple[str, str | None]]
) -> None:
    for order in itertools.permutations(entries[:5]):
        assert resolved(catalog_of(list(order)), reference) == expected, order


def test_the_reason_kept_is_the_same_in_either_order() -> None:
    first = build("agent/1.2.0/1", "DEPRECATED", "use 2.0.0")
    second = build("agent/1.2.0/1", "DEPRECATED")
    third = build("agent/1.2.0/1", "DEPRECATED", "superseded")
    reference = parse_arn(f"{PREFIX}/agent/1.2.0/1", ("component",))
    reasons = {
        catalog_of(list(order)).resolve(reference)[0].reason
        for order in itertools.permutations([first, second, third])
    }
    assert reasons == {"use 2.0.0"}


def test_catalog_size_counts_builds_and_versions() -> None:
    assert len(catalog_of([*AGENT_BUILDS, listed("agent/3.0.0", "ACTIVE")])) == 5
    assert len(catalog_of([listed("agent/1.2.0")])) == 1


# IB401 on a recipe, with the catalog built by hand.


def recipe(*references: str) -> Resource:
    body = node({"components": [{"componentArn": reference} for reference in references]})
    assert isinstance(body, Mapping)
    return Resource(ResourceKind.IMAGE_RECIPE, "Recipe", body, _SPAN)


def ib401(entries: list[dict[str, Any]], *references: str) -> list[tuple[str, str]]:
    context = CheckContext({}, catalog_of(entries))
    return [
        (problem.message, problem.fix)
        for problem in deprecated_component(recipe(*references), context)
    ]


#: (catalog entries, reference, the message IB401 gives, or None for no finding)
MESSAGES = {
    "a deprecated build, with its reason": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/1.2.0/1",
        "component agent 1.2.0/1 is DEPRECATED in the catalog: new recipes cannot use it "
        "(reason: '1.x is end of support')",
    ),
    "a version whose only known builds are deprecated": (
        AGENT_BUILDS,
        f"{PREFIX}/agent/1.0.0",
        "component agent 1.0.0 matches only deprecated builds in the catalog, 1.0.0/1 "
        "(DEPRECATED): new recipes cannot use them (reason: '1.x is end of support')",
    ),
    "a version with an ACTIVE build": (AGENT_BUILDS, f"{PREFIX}/agent/1.2.0", None),
    "a wildcard with an ACTIVE build": (AGENT_BUILDS, f"{PREFIX}/agent/1.x.x", None),
    "a wildcard whose every build is deprecated": (
        AGENT_BUILDS[:2],
        f"{PREFIX}/agent/1.x.x",
        "component agent 1.x.x matches only deprecated builds in the catalog, 1.0.0/1 "
        "(DEPRECATED), 1.2.0/1 (DEPRECATED): new recipes cannot use them "
        "(reason: '1.x is end of support')",
    ),
    "deprecated and disabled builds, two reasons": (
        [
            build("agent/1.2.0/1", "DEPRECATED", "use 2.0.0"),
            build("agent/1.2.0/2", "DISABLED", "broken build"),
        ],
        f"{PREFIX}/agent/1.2.0",
        "component agent 1.2.0 matches only deprecated or disabled builds in the catalog, "
        "1.2.0/1 (DEPRECATED), 1.2.0/2 (DISABLED): new recipes cannot use them "
        "(reasons: 'broken build'; 'use 2.0.0')",
    ),
    "only disabled builds: not this rule's finding": (
        [build("agent/1.2.0/1", "DISABLED")],
        f"{PREFIX}/agent/1.2.0/1",
        None,
    ),
    "a build with no status is not deprecated": (
        [build("agent/1.2.0/1", "DEPRECATED"), build("agent/1.2.0/2")],
        f"{PREFIX}/agent/1.2.0",
        None,
    ),
    "a build the catalog does not know": (AGENT_BUILDS, f"{PREFIX}/agent/9.0.0/1", None),
    "a build of a version ListComponents lists as DEPRECATED": (
        [listed("agent/1.2.0", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0/3",
        "component agent 1.2.0/3 belongs to version 1.2.0, which is DEPRECATED in the catalog: "
        "new recipes cannot use it",
    ),
    "ListComponents lists the version of the deprecated build": (
        [listed("agent/1.2.0", "ACTIVE"), build("agent/1.2.0/1", "DEPRECATED", "use 2.0.0")],
        f"{PREFIX}/agent/1.2.0/1",
        "component agent 1.2.0/1 is DEPRECATED in the catalog: new recipes cannot use it "
        "(reason: 'use 2.0.0')",
    ),
    "ListComponents without status lists the version of the deprecated build": (
        [listed("agent/1.2.0"), build("agent/1.2.0/1", "DEPRECATED")],
        f"{PREFIX}/agent/1.2.0",
        "component agent 1.2.0 matches only deprecated builds in the catalog, 1.2.0/1 "
        "(DEPRECATED): new recipes cannot use them",
    ),
    "a reason with a line break and an escape stays on one line": (
        [build("agent/1.2.0/1", "DEPRECATED", "use 2.0.0\n::warning::\x1b[31m")],
        f"{PREFIX}/agent/1.2.0/1",
        "component agent 1.2.0/1 is DEPRECATED in the catalog: new recipes cannot use it "
        "(reason: 'use 2.0.0\\n::warning::\\x1b[31m')",
    ),
}


@pytest.mark.parametrize(
    ("entries", "reference", "expected"), list(MESSAGES.values()), ids=list(MESSAGES)
)
def test_ib401_message(entries: list[dict[str, Any]], reference: str, expected: str | None) -> None:
    for order in itertools.permutations(entries[:4]):
        messages = [message for message, _ in ib401(list(order), reference)]
        assert messages == ([] if expected is None else [expected]), order


def test_ib401_fix_names_the_newest_active_version() -> None:
    [(_, fix)] = ib401(AGENT_BUILDS, f"{PREFIX}/agent/1.0.0/1")
    assert fix == (
        "reference a version that is not deprecated, such as 2.0.0/1 (the newest active one in "
        "the catalog)"
    )
    [(_, fix)] = ib401(AGENT_BUILDS[:2], f"{PREFIX}/agent/1.0.0/1")
    assert fix == (
        "reference a version of the component that is not deprecated, or replace the component"
    )


def test_ib401_skips_malformed_references() -> None:
    long_build = f"{PREFIX}/agent/1.2.0/{'1' * 5000}"
    assert ib401(AGENT_BUILDS, "not an arn", f"{PREFIX}/agent/x.2.x", long_build) == []


# Bounded messages: names, versions and reasons come from files and may be any length.


def test_a_long_reason_is_cut() -> None:
    [(message, _)] = ib401(
        [build("agent/1.2.0/1", "DEPRECATED", "r" * 5000)], f"{PREFIX}/agent/1.2.0/1"
    )
    assert len(message) < 400
    assert "(5,000 characters)" in message


def test_a_long_name_is_cut() -> None:
    name = "a" * 3000
    [(message, fix)] = ib401(
        [build(f"{name}/1.2.0/1", "DEPRECATED"), build(f"{name}/2.0.0/1", "ACTIVE")],
        f"{PREFIX}/{name}/1.2.0/1",
    )
    assert len(message) < 400
    assert "(3,000 characters)" in message
    assert len(fix) < 200


def test_a_long_build_number_is_cut_or_refused() -> None:
    number = "7" * 4000  # int() still takes it; the ARN parser may refuse it as too large
    findings = ib401(
        [build(f"agent/1.2.0/{number}", "DEPRECATED")], f"{PREFIX}/agent/1.2.0/{number}"
    )
    assert all(len(message) < 400 for message, _ in findings)


def test_many_builds_and_reasons_are_counted_not_listed() -> None:
    entries = [
        build(f"agent/1.{minor}.0/1", "DEPRECATED", f"reason {minor}") for minor in range(40)
    ]
    [(message, _)] = ib401(entries, f"{PREFIX}/agent/1.x.x")
    assert "1.0.0/1 (DEPRECATED)" in message
    assert "and 35 more" in message
    assert "; and 37 more)" in message
    assert len(message) < 600
