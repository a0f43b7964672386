#!/usr/bin/env python3
"""Generate the README's rules table from the rule specs in ``rules/``.

    python scripts/rules_table.py           print the table
    python scripts/rules_table.py --write   update README.md in place
    python scripts/rules_table.py --check   exit 1 if README.md's table is stale

The table sits between ``<!-- rules-table:start -->`` and ``<!-- rules-table:end -->``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iblint.spec_model import RuleSpec

START = "<!-- rules-table:start -->"
END = "<!-- rules-table:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_table(specs: Mapping[str, RuleSpec] | None = None) -> str:
    """The Markdown table of every rule: ID (with the anchor findings link to), name, default
    severity, whether ``--fix`` fixes it, summary."""
    if specs is None:
        from iblint.specs import load_specs

        specs = load_specs()
    lines = ["| ID | Name | Severity | Fix | Summary |", "|---|---|---|---|---|"]
    for rule_id in sorted(specs):
        spec = specs[rule_id]
        # The anchor is each finding's documentation link (iblint.rule_urls.rule_url).
        anchor = f'<a id="{spec.id.lower()}"></a>'
        fix = "yes" if spec.fixable else ""
        lines.append(
            f"| {anchor}{spec.id} | `{spec.name}` | {spec.severity.value} | {fix} | "
            f"{_cell(spec.summary)} |"
        )
    return "\n".join(lines) + "\n"


def replace_table(readme: str, table: str) -> str:
    """``readme`` with the text between the markers replaced by ``table``."""
    start = readme.find(START)
    end = readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README has no {START} ... {END} section")
    return f"{readme[: start + len(START)]}\n{table}{readme[end:]}"


def current_table(readme: str) -> str:
    """The table now between the markers."""
    start = readme.find(START)
    end = readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"README has no {START} ... {END} section")
    return readme[start + len(START) : end].lstrip("\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="update the README in place")
    group.add_argument("--check", action="store_true", help="exit 1 if the README is stale")
    parser.add_argument("--readme", type=Path, default=README, help="default: %(default)s")
    args = parser.parse_args(argv)

    table = render_table()
    if not (args.write or args.check):
        sys.stdout.write(table)
        return 0
    text = args.readme.read_text(encoding="utf-8")
    updated = replace_table(text, table)
    if args.check:
        if updated != text:
            print(
                f"{args.readme}: the rules table is stale; run python scripts/rules_table.py --write",
                file=sys.stderr,
            )
            return 1
        return 0
    if updated != text:
        args.readme.write_text(updated, encoding="utf-8")
        print(f"{args.readme}: rules table updated")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(README.parent))  # the checkout's iblint, installed or not
    raise SystemExit(main())
