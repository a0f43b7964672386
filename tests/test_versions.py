"""Image Builder versions and ARNs on their own: one table row per outcome of the parsers.

Every :class:`~iblint.versions.Fault` (one per message :class:`VersionError` words) has a row;
a test fails when a new fault has none.
"""

from __future__ import annotations

import pytest

from iblint.versions import (
    MAX_NODE,
    Fault,
    ImageBuilderArn,
    Version,
    VersionError,
    parse_arn,
    parse_version,
)

PREFIX = "arn:aws:imagebuilder:us-east-1:123456789012"
IMAGE = f"{PREFIX}:image/app"

# --- versions -----------------------------------------------------------------------------------

VALID_VERSIONS = [
    ("1.2.3", (1, 2, 3)),
    ("0.0.0", (0, 0, 0)),
    ("1.2.x", (1, 2, None)),
    ("1.x.x", (1, None, None)),
    ("x.x.x", (None, None, None)),
    (f"{MAX_NODE}.0.0", (MAX_NODE, 0, 0)),
    ("01.2.3", (1, 2, 3)),
]


@pytest.mark.parametrize(("text", "nodes"), VALID_VERSIONS)
def test_valid_versions(text: str, nodes: tuple[int | None, ...]) -> None:
    assert parse_version(text).nodes == nodes


#: (text, allow_wildcards, fault, words the message holds)
BAD_VERSIONS: list[tuple[str, bool, Fault, list[str]]] = [
    ("1.2", True, Fault.NODE_COUNT, ["'1.2'", "2 nodes", "three"]),
    ("1", True, Fault.NODE_COUNT, ["1 node;"]),
    ("1.2.3.4", True, Fault.NODE_COUNT, ["4 nodes"]),
    ("1.2.a", True, Fault.NODE, ["'a'", "a number or x"]),
    ("1.2.", True, Fault.NODE, ["''", "a number or x"]),
    ("1.2.x", False, Fault.NODE, ["'x'", "is not a number"]),
    ("1.2.-3", True, Fault.NODE, ["'-3'"]),
    ("1.2.+3", True, Fault.NODE, ["'+3'"]),
    ("1.2. 3", True, Fault.NODE, ["' 3'"]),
    ("1.2.3\n", True, Fault.NODE, ["'3\\n'"]),  # a YAML | block scalar keeps the line break
    ("1.2.\uff13", True, Fault.NODE, []),  # a full-width digit is not a digit here
    ("1.2.\u0663", True, Fault.NODE, []),  # nor is an Arabic-Indic one
    ("1.2.X", True, Fault.NODE, ["'X'"]),
    ("x.2.x", True, Fault.NUMBER_AFTER_WILDCARD, ["'x.2.x'", "right of the first x"]),
    ("1.x.8", True, Fault.NUMBER_AFTER_WILDCARD, ["'1.x.8'"]),
    (f"{MAX_NODE + 1}.0.0", True, Fault.NODE_TOO_LARGE, [str(MAX_NODE + 1), str(MAX_NODE)]),
    ("1.0." + "9" * 5000, True, Fault.NODE_TOO_LARGE, ["5,000 characters"]),
]


@pytest.mark.parametrize(("text", "wildcards", "fault", "words"), BAD_VERSIONS)
def test_malformed_versions(text: str, wildcards: bool, fault: Fault, words: list[str]) -> None:
    with pytest.raises(VersionError) as raised:
        parse_version(text, allow_wildcards=wildcards)
    assert raised.value.fault is fault
    message = str(raised.value)
    for word in words:
        assert word in message, (word, message)
    assert len(message) < 300


@pytest.mark.parametrize(
    ("pattern", "exact", "matches"),
    [
        ("x.x.x", "3.2.1", True),
        ("1.x.x", "1.9.9", True),
        ("1.x.x", "2.0.0", False),
        ("1.2.x", "1.2.7", True),
        ("1.2.x", "1.3.7", False),
        ("1.2.3", "1.2.3", True),
        ("1.2.3", "1.2.4", False),
    ],
)
def test_version_matching(pattern: str, exact: str, matches: bool) -> None:
    assert parse_version(pattern).matches(parse_version(exact)) is matches


@pytest.mark.parametrize(("text", "exact"), [("1.2.3", True), ("1.2.x", False)])
def test_version_text_and_exactness(text: str, exact: bool) -> None:
    version = parse_version(text)
    assert str(version) == text
    assert version.is_exact is exact


# --- ARNs ---------------------------------------------------------------------------------------

VALID_ARNS = [
    (f"{IMAGE}/1.2.3", ("aws", "us-east-1", "123456789012", "image", "app", (1, 2, 3), None)),
    (f"{IMAGE}/1.2.3/4", ("aws", "us-east-1", "123456789012", "image", "app", (1, 2, 3), 4)),
    (f"{IMAGE}/x.x.x", ("aws", "us-east-1", "123456789012", "image", "app", (None,) * 3, None)),
    (IMAGE, ("aws", "us-east-1", "123456789012", "image", "app", None, None)),
    (
        "arn:aws-cn:imagebuilder:cn-north-1:aws:image/amazon-linux-2023-x86/x.x.x",
        ("aws-cn", "cn-north-1", "aws", "image", "amazon-linux-2023-x86", (None,) * 3, None),
    ),
    (
        "arn:aws-us-gov:imagebuilder:us-gov-west-1:aws-marketplace:image/a_b-c/1.0.x",
        ("aws-us-gov", "us-gov-west-1", "aws-marketplace", "image", "a_b-c", (1, 0, None), None),
    ),
    (
        "arn:aws:imagebuilder:eu-central-1:third-party:image/cis/1.0.0/1",
        ("aws", "eu-central-1", "third-party", "image", "cis", (1, 0, 0), 1),
    ),
    (
        f"{IMAGE}/1.0.0/{MAX_NODE}",
        ("aws", "us-east-1", "123456789012", "image", "app", (1, 0, 0), MAX_NODE),
    ),
]


@pytest.mark.parametrize(("text", "fields"), VALID_ARNS)
def test_valid_arns(text: str, fields: tuple[object, ...]) -> None:
    arn = parse_arn(text, ("image",))
    version = arn.version.nodes if arn.version is not None else None
    assert (arn.partition, arn.region, arn.account, arn.resource_type, arn.name) == fields[:5]
    assert (version, arn.build) == fields[5:]
    assert str(arn) == text
    assert arn.owner_key == fields[:5]


#: (text, fault, words the message holds)
BAD_ARNS: list[tuple[str, Fault, list[str]]] = [
    ("ami-0123456789abcdef0", Fault.NOT_AN_ARN, ["'ami-0123456789abcdef0'", "arn:PARTITION"]),
    ("arn:aws:imagebuilder:us-east-1", Fault.NOT_AN_ARN, ["image/NAME/VERSION"]),
    ("ARN:aws:imagebuilder:us-east-1:aws:image/a/1.0.0", Fault.NOT_AN_ARN, []),
    ("arn:amazon:imagebuilder:us-east-1:aws:image/a/1.0.0", Fault.PARTITION, ["'amazon'"]),
    ("arn:aws:ec2:us-east-1:aws:image/a/1.0.0", Fault.SERVICE, ["'ec2'", "imagebuilder"]),
    ("arn:aws:imagebuilder:useast1:aws:image/a/1.0.0", Fault.REGION, ["'useast1'"]),
    ("arn:aws:imagebuilder:us-east-1\n:aws:image/a/1.0.0", Fault.REGION, ["'us-east-1\\n'"]),
    ("arn:aws:imagebuilder:us-east-1:1234:image/a/1.0.0", Fault.ACCOUNT, ["'1234'"]),
    ("arn:aws:imagebuilder:us-east-1:aws:component/a/1.0.0", Fault.RESOURCE_TYPE, ["'component'"]),
    ("arn:aws:imagebuilder:us-east-1:aws:image", Fault.NO_NAME, ["no image name"]),
    ("arn:aws:imagebuilder:us-east-1:aws:image/", Fault.NO_NAME, ["no image name"]),
    (f"{PREFIX}:image/App/1.0.0", Fault.NAME_CASE, ["'App'", "'app'"]),
    (f"{PREFIX}:image/my app/1.0.0", Fault.NAME_CHARACTERS, ["'my app'"]),
    (f"{PREFIX}:image/app\n", Fault.NAME_CHARACTERS, ["'app\\n'"]),
    (f"{PREFIX}:image/app/1.0.0/", Fault.TRAILING_SLASH, ["ends in '/'", "1.0.0"]),
    (f"{PREFIX}:image/app/x.x.x/", Fault.TRAILING_SLASH, ["ends in '/'", "x.x.x"]),
    (f"{PREFIX}:image/app/", Fault.TRAILING_SLASH, ["ends in '/'", "'app'"]),
    (f"{PREFIX}:image/app/1.0.0/1/", Fault.TRAILING_SLASH, ["ends in '/'", "build number '1'"]),
    (f"{PREFIX}:image/app//1.0.0", Fault.EMPTY_PART, ["'//'"]),
    (f"{PREFIX}:image/app/1.0.0/1/2", Fault.TOO_MANY_PARTS, ["'1.0.0/1/2'"]),
    (f"{PREFIX}:image/app/1.0", Fault.NODE_COUNT, ["'1.0'"]),
    (f"{PREFIX}:image/app/1.0.0\n", Fault.NODE, ["'0\\n'"]),
    (f"{PREFIX}:image/app/x.1.x", Fault.NUMBER_AFTER_WILDCARD, ["'x.1.x'"]),
    (f"{PREFIX}:image/app/1.0.{MAX_NODE + 1}", Fault.NODE_TOO_LARGE, [str(MAX_NODE)]),
    (f"{PREFIX}:image/app/1.x.x/1", Fault.BUILD_AFTER_WILDCARD, ["/1", "1.x.x"]),
    (f"{PREFIX}:image/app/1.0.0/one", Fault.BUILD, ["'one'"]),
    (f"{PREFIX}:image/app/1.0.0/1\n", Fault.BUILD, ["'1\\n'"]),
    (f"{PREFIX}:image/app/1.0.0/-1", Fault.BUILD, ["'-1'"]),
    (f"{PREFIX}:image/app/1.0.0/{MAX_NODE + 1}", Fault.BUILD_TOO_LARGE, [str(MAX_NODE)]),
    (f"{PREFIX}:image/app/1.0.0/" + "7" * 5000, Fault.BUILD_TOO_LARGE, ["5,000 characters"]),
]


@pytest.mark.parametrize(("text", "fault", "words"), BAD_ARNS)
def test_malformed_arns(text: str, fault: Fault, words: list[str]) -> None:
    with pytest.raises(VersionError) as raised:
        parse_arn(text, ("image",))
    assert raised.value.fault is fault, str(raised.value)
    message = str(raised.value)
    for word in words:
        assert word in message, (word, message)


def test_every_fault_has_a_row() -> None:
    covered = {row[2] for row in BAD_VERSIONS} | {row[1] for row in BAD_ARNS}
    assert covered == set(Fault)


def test_a_trailing_slash_is_not_read_as_an_empty_build_number() -> None:
    with pytest.raises(VersionError) as raised:
        parse_arn(f"{IMAGE}/1.0.0/", ("image",))
    assert "build number" not in str(raised.value)


@pytest.mark.parametrize("length", [10_000, 1_000_000])
def test_messages_about_long_values_are_bounded(length: int) -> None:
    for text in (
        "arn:" + "a" * length,
        f"arn:aws:imagebuilder:us-east-1:aws:image/{'a' * length}A/1.0.0",
        f"{IMAGE}/1.0.0/{'1' * length}",
        f"{IMAGE}/1.0.{'x' * length}",
        f"{IMAGE}/{'1.' * length}",
    ):
        with pytest.raises(VersionError) as raised:
            parse_arn(text, ("image",))
        assert len(str(raised.value)) < 400, str(raised.value)[:500]


def test_several_resource_types() -> None:
    arn = parse_arn(f"{PREFIX}:component/agent/1.0.0/1", ("image", "component"))
    assert arn.resource_type == "component"
    with pytest.raises(VersionError, match="'workflow' is not image or component"):
        parse_arn(f"{PREFIX}:workflow/agent/1.0.0", ("image", "component"))


def test_arn_text_round_trip_keeps_the_owner() -> None:
    arn = ImageBuilderArn("aws", "us-east-1", "aws", "image", "app", Version((1, 2, 3)), 5)
    assert parse_arn(str(arn), ("image",)) == arn


def test_a_remembered_arn_is_the_same_and_a_bad_one_fails_every_time() -> None:
    from iblint import versions
    from iblint.memo import REMEMBERED_COUNT

    text = "arn:aws:imagebuilder:us-east-1:aws:component/remembered/1.0.0/1"
    first = versions.parse_arn(text, ("component",))
    assert versions.parse_arn(text, ("component",)) is first
    with pytest.raises(versions.VersionError):
        versions.parse_arn(text, ("image",))  # another resource type is parsed on its own
    for _ in range(2):
        with pytest.raises(versions.VersionError):
            versions.parse_arn(text + "/", ("component",))
    for index in range(REMEMBERED_COUNT + 1):  # bounded
        versions.parse_arn(f"arn:aws:imagebuilder:us-east-1:aws:image/n{index}/1.0.0", ("image",))
    assert versions.parse_arn.cached.cache_info().currsize <= REMEMBERED_COUNT  # type: ignore[attr-defined]
