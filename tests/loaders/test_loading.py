"""From bytes and files to loaded documents: encodings, binary files, size, markers."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from iblint import check_text
from iblint.loading import load_bytes, load_path, load_text
from iblint.model import ResourceKind, Span
from tests.documents import API_INFRA_BAD, CFN_TEMPLATE_BAD, GITHUB_WORKFLOW


def kinds(data: bytes, name: str = "file.json") -> list[ResourceKind]:
    return [resource.kind for resource in load_bytes(data, name).resources]


def problems(data: bytes, name: str = "file.json") -> list[tuple[str, int, int]]:
    loaded = load_bytes(data, name)
    return [(p.kind, p.span.start_line, p.span.start_col) for p in loaded.input_problems]


def test_utf8_with_byte_order_mark() -> None:
    data = codecs.BOM_UTF8 + API_INFRA_BAD.encode()
    assert kinds(data) == [ResourceKind.INFRASTRUCTURE_CONFIGURATION]
    assert problems(data) == []


def test_byte_order_mark_positions_do_not_shift() -> None:
    with_bom = load_bytes(codecs.BOM_UTF8 + API_INFRA_BAD.encode(), "i.json")
    without = load_bytes(API_INFRA_BAD.encode(), "i.json")
    assert with_bom.resources[0].body.span == without.resources[0].body.span


@pytest.mark.parametrize("name", ["i.json", "i.yaml"])
def test_text_with_a_byte_order_mark_through_the_library(name: str) -> None:
    findings = check_text("\ufeff" + API_INFRA_BAD, name)
    assert [(f.rule_id, f.span[:2]) for f in findings] == [("IB101", (4, 45))]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_with_byte_order_mark(encoding: str) -> None:
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    data = bom + CFN_TEMPLATE_BAD.encode(encoding)
    loaded = load_bytes(data, "template.yaml")
    assert [r.name for r in loaded.resources] == ["Infrastructure", "Recipe"]
    findings = check_text(CFN_TEMPLATE_BAD, "template.yaml")
    assert findings  # the same document, read as UTF-8, has findings at the same places
    tokens = loaded.resources[0].body.get("instanceMetadataOptions")
    assert tokens is not None and tokens.key_span == Span(8, 7, 8, 30)


def test_binary_file_is_skipped_without_a_word() -> None:
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR aws_imagebuilder_ parentImage"
    loaded = load_bytes(data, "picture.json")
    assert loaded.resources == [] and loaded.input_problems == []


def test_invalid_utf8_is_reported_when_the_file_mentions_image_builder() -> None:
    data = b'{\n  "parentImage": "caf\xe9",\n  "name": "x"\n}\n'
    assert problems(data) == [("IB006", 2, 22)]
    message = load_bytes(data, "f.json").input_problems[0].message
    assert "UTF-8" in message and "0xe9" in message


def test_invalid_utf8_is_silent_when_the_file_is_not_image_builder() -> None:
    data = b'{\n  "name": "caf\xe9"\n}\n'
    assert problems(data) == []
    assert kinds(data) == []


def test_latin1_column_counts_characters_before_the_bad_byte() -> None:
    data = 'x: "é"\n# parentImage\ny: "\u00e9'.encode()[:-2] + b"\xff\n"
    assert problems(data, "f.yaml") == [("IB006", 3, 5)]


def test_too_large_file_is_reported_only_when_it_mentions_image_builder(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_text('{"instanceProfileName": "p", "pad": "' + "x" * 200 + '"}')
    loaded = load_path(big, "big.json", max_bytes=100)
    assert [p.kind for p in loaded.input_problems] == ["IB003"]
    assert loaded.resources == []
    other = tmp_path / "other.json"
    other.write_text('{"pad": "' + "x" * 200 + '"}')
    assert load_path(other, "other.json", max_bytes=100).input_problems == []
    assert [p.kind for p in load_bytes(big.read_bytes(), "b", max_bytes=100).input_problems] == [
        "IB003"
    ]


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    loaded = load_path(tmp_path / "gone.yaml", "gone.yaml")
    assert [(p.kind, p.span) for p in loaded.input_problems] == [("IB006", Span(1, 1, 1, 1))]


def test_a_directory_given_as_a_file_is_not_a_regular_file(tmp_path: Path) -> None:
    # The walk reports directories it cannot list itself (tests/test_discover.py); a library
    # caller that hands a directory to load_path gets a finding, not an exception.
    loaded = load_path(tmp_path, "dir")
    assert [p.kind for p in loaded.input_problems] == ["IB006"]
    assert "not a regular file (a directory)" in loaded.input_problems[0].message


def test_syntax_error_is_reported_only_when_the_text_mentions_image_builder() -> None:
    broken_workflow = GITHUB_WORKFLOW + "  bad: [\n"
    assert load_text(broken_workflow, "ci.yml").input_problems == []
    broken_recipe = '{"parentImage": "ami-12345678", "name": }'
    assert [p.kind for p in load_text(broken_recipe, "r.json").input_problems] == ["IB001"]


def test_duplicate_keys_are_reported_only_in_image_builder_documents() -> None:
    assert load_text("name: a\nname: b\n", "x.yaml").input_problems == []
    loaded = load_text('{"instanceProfileName": "p", "name": "a", "name": "b"}', "infra.json")
    assert [(p.kind, p.span[:2]) for p in loaded.input_problems] == [("IB002", (1, 43))]


def test_json_suffix_is_parsed_strictly_as_json() -> None:
    loaded = load_text("instanceProfileName: p\nname: x\n", "infra.json")
    assert loaded.resources == []
    assert [p.kind for p in loaded.input_problems] == ["IB001"]


def test_yaml_that_starts_like_json_falls_back_to_yaml() -> None:
    loaded = load_text("{instanceProfileName: p, name: x}\n", "infra.yaml")
    assert [r.kind for r in loaded.resources] == [ResourceKind.INFRASTRUCTURE_CONFIGURATION]
    assert loaded.input_problems == []


def test_template_suffix_and_unknown_suffixes_are_classified_by_content() -> None:
    for name in ("stack.template", "stack", "stack.txt", "stack.YML"):
        loaded = load_text(CFN_TEMPLATE_BAD, name)
        assert len(loaded.resources) == 2, name


def test_every_document_of_a_multi_document_stream_is_classified() -> None:
    text = API_INFRA_BAD.replace("\n", " ") + "\n---\n" + GITHUB_WORKFLOW
    loaded = load_text(text, "multi.yaml")
    assert [r.kind for r in loaded.resources] == [ResourceKind.INFRASTRUCTURE_CONFIGURATION]


def test_suppressions_are_read_only_for_image_builder_documents() -> None:
    assert load_text("a: 1  # iblint: ignore\n", "x.yaml").suppressions == []
    text = "name: n\ninstanceProfileName: p  # iblint: ignore IB101\n"
    (suppression,) = load_text(text, "x.yaml").suppressions
    assert (suppression.target, [rule for rule, _ in suppression.rules or ()]) == (2, ["IB101"])


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_invalid_utf8_position_after_any_line_ending(newline: bytes) -> None:
    data = b"# parentImage" + newline + b"a: \x80" + newline
    assert problems(data, "f.yaml") == [("IB006", 2, 4)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("metadata:\n  name: {{ .Release.Name }}-imagebuilder\n", "templates/deploy.yaml"),
        ('{\n  // imagebuilder stacks\n  "compilerOptions": {}\n}\n', "tsconfig.json"),
        ("image_builder: [\n", "values.yaml"),
    ],
)
def test_a_bare_image_builder_word_does_not_make_a_broken_file_ours(text: str, name: str) -> None:
    assert load_text(text, name).input_problems == []


@pytest.mark.parametrize(
    "marker",
    [
        "Type: AWS::ImageBuilder::ImageRecipe",
        "resource aws_imagebuilder_image_recipe",
        "arn:aws:imagebuilder:us-east-1:123456789012:component/x/1.0.0",
        "parentImage: ami-1",
        "InstanceMetadataOptions:",
        "instanceProfileName: p",
        "componentArn: x",
    ],
)
def test_structural_markers_make_a_broken_file_ours(marker: str) -> None:
    loaded = load_text(f"# {marker}\nbad: [\n", "f.yaml")
    assert [p.kind for p in loaded.input_problems] == ["IB001"]


@pytest.mark.parametrize(
    ("line", "suppressed"),
    [
        ('  http_tokens = "optional" # iblint: ignore IB101', True),
        ('  http_tokens = "optional" // iblint: ignore IB101', True),
        ('  http_tokens = "optional" /* iblint: ignore IB101 */', True),
        ('  description = "see # iblint: ignore IB101"', False),
        ('  description = "a \\" // iblint: ignore IB101"', False),
        ('  description = "it\'s" # iblint: ignore IB101', True),
    ],
)
def test_terraform_suppressions_must_be_real_comments(line: str, suppressed: bool) -> None:
    from iblint.suppressions import find_suppressions

    found = [
        (s.target, s.rules and [rule for rule, _ in s.rules])
        for s in find_suppressions(line, hcl=True)
    ]
    assert found == ([(1, ["IB101"])] if suppressed else [])
