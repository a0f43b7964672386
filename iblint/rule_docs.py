"""Rule documentation rendered from specs: for ``iblint explain``, SARIF help and the README."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pydantic is not imported for a policy's documentation
    from iblint.spec_model import Example, RuleSpec


def _example_pair(spec: RuleSpec) -> tuple[Example, Example | None]:
    bad = spec.examples.bad[0]
    good = next((example for example in spec.examples.good if example.format == bad.format), None)
    return bad, good


def help_text(spec: RuleSpec) -> str:
    bad, good = _example_pair(spec)
    parts = [
        f"{spec.id} {spec.name}: {spec.summary}",
        "",
        "What it does",
        spec.what.strip(),
        "",
        "Why it matters",
        spec.why.strip(),
        "",
        "How to fix",
        spec.fix.strip(),
        "",
        f"Example that fails ({bad.format}):",
        indent(bad.content),
    ]
    if good is not None:
        parts += ["", f"Fixed ({good.format}):", indent(good.content)]
    # Every reference is a public https URL (tests/test_public_sources.py).
    parts += ["", "References:", *(f"- {reference}" for reference in spec.references)]
    return "\n".join(parts).rstrip() + "\n"


def help_markdown(spec: RuleSpec) -> str:
    bad, good = _example_pair(spec)
    parts = [
        f"**{spec.id} {spec.name}**: {spec.summary}",
        "",
        "## What it does",
        spec.what.strip(),
        "",
        "## Why is this bad?",
        spec.why.strip(),
        "",
        "## How to fix",
        spec.fix.strip(),
        "",
        "## Example",
        f"```{language(bad.format)}",
        bad.content.rstrip(),
        "```",
    ]
    if good is not None:
        parts += ["", "Use instead:", f"```{language(good.format)}", good.content.rstrip(), "```"]
    parts += ["", "## References", *(f"- {reference}" for reference in spec.references)]
    return "\n".join(parts) + "\n"


def language(example_format: str) -> str:
    """The Markdown code-fence language of an example in ``example_format``."""
    if example_format == "terraform":
        return "hcl"
    return (
        "json" if example_format.endswith("json") or example_format == "terraform-plan" else "yaml"
    )


def indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip().splitlines())
