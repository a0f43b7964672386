"""IB1xx: instance metadata service settings of infrastructure configurations."""

from __future__ import annotations

from collections.abc import Iterator

from iblint.checks.values import member_alternatives, text_of
from iblint.model import Mapping, Problem, Resource, ResourceKind, Unknown
from iblint.registry import CheckContext, rule

_FIX = "set instanceMetadataOptions.httpTokens to 'required'"


@rule("IB101", ResourceKind.INFRASTRUCTURE_CONFIGURATION)
def imdsv1_allowed(resource: Resource, context: CheckContext) -> Iterator[Problem]:
    """httpTokens must be 'required'; absent or 'optional' leaves IMDSv1 open."""
    for options, options_span in member_alternatives(resource.body, "instanceMetadataOptions"):
        if options is None:
            yield Problem(
                options_span,
                "instanceMetadataOptions is not set: whether build and test instances accept "
                "IMDSv1 is left to AMI and account defaults, for years 'optional'",
                _FIX,
            )
            continue
        if not isinstance(options, Mapping):
            continue  # unknown (an intrinsic) or malformed: nothing to say here
        for tokens, tokens_span in member_alternatives(options, "httpTokens"):
            if tokens is None:
                yield Problem(
                    tokens_span,
                    "httpTokens is not set: whether build and test instances accept IMDSv1 "
                    "is left to AMI and account defaults, for years 'optional'",
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


def _shown(node: object) -> str:
    value = getattr(node, "value", None)
    return repr(value) if isinstance(value, str) else str(value)
