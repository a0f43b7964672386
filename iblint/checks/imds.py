"""IB1xx: instance metadata service settings of infrastructure configurations."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.checks.values import literal_text, member_alternatives, text_of
from iblint.model import Mapping, Node, Problem, Resource, ResourceKind, Sequence, Unknown
from iblint.registry import CheckContext, rule
from iblint.text_safety import shown

_FIX = "set instanceMetadataOptions.httpTokens to 'required'"
#: What an unset httpTokens means (Image Builder API model, ``InstanceMetadataOptions``; EC2 API
#: reference, ``InstanceMetadataOptionsRequest.HttpTokens``): the EC2 launch default, which is
#: 'optional' unless the parent AMI (ImdsSupport v2.0) or the account default requires IMDSv2.
_UNSET = (
    "falls back to the EC2 launch default ('optional' unless the parent AMI or the account "
    "requires IMDSv2): build and test instances may accept IMDSv1"
)


@rule("IB101", ResourceKind.INFRASTRUCTURE_CONFIGURATION)
def imdsv1_allowed(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """httpTokens must be 'required'; absent or 'optional' leaves IMDSv1 open."""
    for options, options_span in member_alternatives(resource.body, "instanceMetadataOptions"):
        if options is None:
            yield Problem(
                options_span,
                f"instanceMetadataOptions is not set, so httpTokens {_UNSET}",
                _FIX,
            )
            continue
        if not isinstance(options, Mapping):
            continue  # unknown (an intrinsic) or malformed: nothing to say here
        for tokens, tokens_span in member_alternatives(options, "httpTokens"):
            if tokens is None:
                yield Problem(
                    tokens_span,
                    f"httpTokens is not set, so it {_UNSET}",
                    "set httpTokens to 'required'",
                )
                continue
            if isinstance(tokens, Unknown):
                continue
            value = text_of(tokens)
            if value == "required":
                continue
            if value == "optional":
                message = (
                    "httpTokens is 'optional': build and test instances accept IMDSv1 requests"
                )
            else:
                message = (
                    f"httpTokens is {_shown(tokens)}, not 'required': IMDSv2 is not enforced "
                    "(the only valid values are 'required' and 'optional')"
                )
            yield Problem(tokens_span, message, "set httpTokens to 'required'")


def _shown(node: Node) -> str:
    if isinstance(node, Mapping):
        return "a mapping"
    if isinstance(node, Sequence):
        return "a list"
    value = getattr(node, "value", None)
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    return shown(value) if isinstance(value, str) else literal_text(node)
