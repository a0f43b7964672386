"""The layers stay small enough to read: no module of the syntax or dialect layer is over
450 lines (a module that grows past it has two jobs; split it by job)."""

from __future__ import annotations

from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "iblint"
MAX_LINES = 450
MODULES = sorted(
    path for layer in ("syntax", "dialects") for path in (PACKAGE / layer).glob("*.py")
)


def test_both_layers_have_modules() -> None:
    assert {path.parent.name for path in MODULES} == {"syntax", "dialects"}


@pytest.mark.parametrize("module", MODULES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_no_module_is_over_the_line_limit(module: Path) -> None:
    lines = len(module.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module.name} has {lines} lines (limit {MAX_LINES})"
