"""Hypothesis: whatever text a component document holds, standalone or embedded, checking it
gives findings, never an exception, and every finding points inside the outer file."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iblint import check_paths
from iblint.config import Config
from tests.toe.helpers import DOCUMENT

FUZZ = settings(
    max_examples=int(os.environ.get("IBLINT_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
_LINE_BREAK = re.compile(r"\r\n?|\n")

#: Texts near a real document: its lines shuffled, cut, doubled, with stray characters.
_LINES = DOCUMENT.splitlines(keepends=True)
NEAR = st.lists(
    st.one_of(
        st.sampled_from(_LINES),
        st.text(alphabet="{}[]:-'\"\\|>!&*# \tabc{{}}\n", max_size=30),
    ),
    max_size=25,
).map("".join)
TEXTS = st.one_of(NEAR, st.text(max_size=200))


def _indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line for line in text.splitlines(True))


def _wrappers(text: str) -> dict[str, str]:
    return {
        "component.yaml": "schemaVersion: 1.0\n" + text,
        "template.yaml": (
            "Resources:\n  C:\n    Type: AWS::ImageBuilder::Component\n    Properties:\n"
            "      Name: c\n      Version: 1.0.0\n      Platform: Linux\n      Data: |\n"
            + _indented(text, 8)
        ),
        "request.json": json.dumps(
            {"name": "c", "semanticVersion": "1.0.0", "platform": "Linux", "data": text}
        ),
        "main.tf": (
            'resource "aws_imagebuilder_component" "c" {\n  name = "c"\n  platform = "Linux"\n'
            '  version = "1.0.0"\n  data = <<-EOT\n' + _indented(text, 4) + "  EOT\n}\n"
        ),
    }


@FUZZ
@given(TEXTS)
def test_any_document_text_gives_findings_inside_the_file(text: str) -> None:
    config = Config.build(select=["IB0", "IB6"])
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for name, content in _wrappers(text).items():
            path = root / name
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
            report = check_paths([str(path)], config, root=root)
            lines = _LINE_BREAK.split(content)
            for finding in report.findings:
                assert 1 <= finding.span.start_line <= len(lines), (name, finding)
                line = lines[finding.span.start_line - 1]
                assert 1 <= finding.span.start_col <= len(line) + 1, (name, finding, line)
