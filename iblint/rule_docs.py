"""Rule documentation rendered from specs: for ``iblint explain``, SARIF help and the README."""

from __future__ import annotations

from iblint.spec_model import Example, RuleSpec

DOCS_URL = "https://github.com/iblint/iblint/blob/main/rules"


def rule_url(rule_id: str | None) -> str:
    return f"{DOCS_URL}/{rule_id}.yaml" if rule_id else DOCS_URL.rsplit("/blob/", 1)[0]


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
    parts += ["", "References:", *(f"- {reference}" for reference in spec.references)]
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
    parts += ["", "## References", *(f"- {reference}" for reference in spec.references)]
    return "\n".join(parts) + "\n"


def _language(example: Example) -> str:
    if example.format == "terraform":
        return "hcl"
    return (
        "json" if example.format.endswith("json") or example.format == "terraform-plan" else "yaml"
    )


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip().splitlines())
