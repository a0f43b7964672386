"""Fn::ForEach loops (AWS::LanguageExtensions) and YAML aliases: findings in repeated blocks."""

from __future__ import annotations

from iblint import check_text

FOREACH = """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Infra:
    - Env
    - [dev, prod]
    - Infra${Env}:
        Type: AWS::ImageBuilder::InfrastructureConfiguration
        Properties:
          Name: !Sub infra-${Env}
          InstanceProfileName: builder
          InstanceMetadataOptions:
            HttpTokens: optional
"""


def test_a_literal_loop_is_expanded_and_each_copy_is_checked_and_named() -> None:
    findings = check_text(FOREACH, "loop.yaml")
    assert [(f.rule_id, f.span.start_line, f.span.start_col) for f in findings] == [
        ("IB101", 12, 25),
        ("IB101", 12, 25),
    ]
    assert sorted(f.message.split(":")[0] for f in findings) == ["Infradev", "Infraprod"]


def test_a_loop_over_a_parameter_is_not_guessed_at() -> None:
    text = FOREACH.replace("    - [dev, prod]\n", "    - !Ref Environments\n")
    assert check_text(text, "loop.yaml") == []


def test_the_loop_variable_is_substituted_in_refs_and_subs() -> None:
    text = """\
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Infra:
    - Tokens
    - [optional, required]
    - Infra&{Tokens}:
        Type: AWS::ImageBuilder::InfrastructureConfiguration
        Properties:
          Name: !Sub infra-${Tokens}
          InstanceProfileName: builder
          InstanceMetadataOptions:
            HttpTokens: !Ref Tokens
"""
    findings = check_text(text, "loop.yaml")
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("IB101", 12)]
    assert findings[0].message.startswith("Infraoptional: httpTokens is 'optional'")


def test_a_loop_inside_properties_is_expanded() -> None:
    text = """\
Transform: AWS::LanguageExtensions
Resources:
  Infra:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: infra
      InstanceProfileName: builder
      Fn::ForEach::Options:
        - Member
        - [InstanceMetadataOptions]
        - ${Member}:
            HttpTokens: optional
"""
    findings = check_text(text, "loop.yaml")
    assert [(f.rule_id, f.span.start_line) for f in findings] == [("IB101", 12)]


def test_a_huge_loop_stops_at_the_limit_without_findings_it_cannot_know() -> None:
    items = ", ".join(f"e{i}" for i in range(60_000))
    text = FOREACH.replace("[dev, prod]", f"[{items}]")
    findings = check_text(text, "loop.yaml")
    assert findings == []


ALIASED = """\
Options: &imds
  HttpTokens: optional
Resources:
  First:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: first
      InstanceProfileName: builder
      InstanceMetadataOptions: *imds
  Second:
    Type: AWS::ImageBuilder::InfrastructureConfiguration
    Properties:
      Name: second
      InstanceProfileName: builder
      InstanceMetadataOptions:
        <<: *imds
"""


def test_a_finding_in_an_aliased_block_is_reported_at_each_alias_naming_the_resource() -> None:
    findings = check_text(ALIASED, "aliases.yaml")
    assert [(f.rule_id, f.span.start_line, f.span.start_col) for f in findings] == [
        ("IB101", 9, 32),
        ("IB101", 16, 13),
    ]
    assert findings[0].message.startswith("First: httpTokens is 'optional'")
    assert "through the alias *imds, anchored at line 1" in findings[0].message
    assert findings[1].message.startswith("Second: httpTokens is 'optional'")
