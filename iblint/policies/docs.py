"""A policy's documentation: for ``iblint explain`` and SARIF ``rules[].help``, shaped as the
built-in rules' (:mod:`iblint.rule_docs`)."""

from __future__ import annotations

from typing import Any

from iblint.policies import Policy, PolicyExample
from iblint.rule_docs import indent, language

#: The API reference of each kind of resource: a policy is written against its member names.
API_REFERENCE = {
    "image-recipe": "CreateImageRecipe",
    "container-recipe": "CreateContainerRecipe",
    "infrastructure-configuration": "CreateInfrastructureConfiguration",
    "component": "CreateComponent",
}
_API_URL = "https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_{}.html"


def references(policy: Policy) -> list[str]:
    """The API reference pages of the members a policy reads."""
    return [_API_URL.format(API_REFERENCE[name]) for name in policy.resource_names]


def _facts(policy: Policy) -> list[str]:
    facts = [f"Checks: {', '.join(policy.resource_names)}"]
    if policy.each_text:
        facts.append(f"For each: {policy.each_text} (bound to item)")
    if policy.at_text:
        facts.append(f"Points at: {policy.at_text}")
    facts.append(f"Defined in: {policy.display} (your policy)")
    return facts


def _pair(policy: Policy) -> tuple[PolicyExample | None, PolicyExample | None]:
    bad = next((example for example in policy.examples if example.bad), None)
    good = None
    if bad is not None:
        good = next(
            (e for e in policy.examples if not e.bad and e.format == bad.format),
            None,
        )
    if good is None:
        good = next((example for example in policy.examples if not example.bad), None)
    return bad, good


def help_text(policy: Policy) -> str:
    bad, good = _pair(policy)
    parts = [
        f"{policy.id} {policy.name}: {policy.summary}",
        "",
        *_facts(policy),
        "",
        "Must hold (CEL):",
        indent(policy.expression),
        "",
        "Message when it does not:",
        indent(policy.message),
    ]
    if bad is not None:
        parts += ["", f"Example that fails ({bad.format}):", indent(bad.content)]
    if good is not None:
        parts += ["", f"Passes ({good.format}):", indent(good.content)]
    parts += ["", f"Default severity: {policy.severity.value}"]
    return "\n".join(parts).rstrip() + "\n"


def help_markdown(policy: Policy) -> str:
    bad, good = _pair(policy)
    parts = [
        f"**{policy.id} {policy.name}**: {policy.summary}",
        "",
        *(f"- {fact}" for fact in _facts(policy)),
        "",
        "## Must hold",
        "```cel",
        policy.expression,
        "```",
        "",
        f"Message: {policy.message}",
    ]
    parts += ["", "## Members (API reference)", *(f"- {url}" for url in references(policy))]
    for title, example in (("## Example", bad), ("Passes:", good)):
        if example is not None:
            fence = f"```{language(example.format)}"
            parts += ["", title, fence, example.content.rstrip(), "```"]
    return "\n".join(parts) + "\n"


def sarif_rule(policy: Policy, level: str, description: Any) -> dict[str, Any]:
    """The SARIF ``reportingDescriptor`` of a policy; ``description`` bounds a text as SARIF
    consumers want it (:func:`iblint.reporters.sarif.description`)."""
    return {
        "id": policy.id,
        "name": policy.name,
        "shortDescription": {"text": description(policy.summary)},
        "fullDescription": {"text": description(policy.message)},
        "messageStrings": {"default": {"text": description(policy.message)}},
        "help": {"text": help_text(policy), "markdown": help_markdown(policy)},
        "defaultConfiguration": {"level": level},
        "helpUri": references(policy)[0],
        "properties": {"tags": ["image-builder", "policy"], "source": policy.display},
    }
