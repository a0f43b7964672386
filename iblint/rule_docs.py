"""Rule documentation rendered from specs: for ``iblint explain``, SARIF help and the README."""

from __future__ import annotations

from iblint.spec_model import Example, RuleSpec


def public_references(spec: RuleSpec) -> list[str]:
    """The references a user can follow: not the ``../`` paths to the project's own notes,
    which are not shipped."""
    return [reference for reference in spec.references if not reference.startswith("../")]


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
        _indent(bad.content),
    ]
    if good is not None:
        parts += ["", f"Fixed ({good.format}):", _indent(good.content)]
    references = public_references(spec)
    if references:
        parts += ["", "References:", *(f"- {reference}" for reference in references)]
    return "\n".join(parts).rstrip() + "\n"


def help_markdown(spec: RuleSpec) -> str:
    bad, good = _example_pair(spec)
    language = _language(bad)
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
        f"```{language}",
        bad.content.rstrip(),
        "```",
    ]
    if good is not None:
        parts += ["", "Use instead:", f"```{_language(good)}", good.content.rstrip(), "```"]
    references = public_references(spec)
    if references:
        parts += ["", "## References", *(f"- {reference}" for reference in references)]
    return "\n".join(parts) + "\n"


def _language(example: Example) -> str:
    if example.format == "terraform":
        return "hcl"
    return (
        "json" if example.format.endswith("json") or example.format == "terraform-plan" else "yaml"
    )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip().splitlines())
