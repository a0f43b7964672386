"""Inline component documents are placed in the outer file through one table of its lines,
made once per file however many components it declares (not once per component)."""

from __future__ import annotations

import pytest

from iblint.loading import load_text
from iblint.model import ResourceKind
from iblint.syntax import positions

_COMPONENT = """\
resource "aws_imagebuilder_component" "c{index}" {{
  name     = "c{index}"
  platform = "Linux"
  version  = "1.0.0"
  data     = "schemaVersion: 1.0\\nphases:\\n  - name: build\\n    steps: []\\n"
}}
"""


@pytest.mark.parametrize("name", ["main.tf", "template.yaml"])
def test_the_outer_file_is_tabled_once_for_all_its_components(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 40
    if name == "main.tf":
        text = "".join(_COMPONENT.format(index=index) for index in range(count))
    else:
        text = "Resources:\n" + "".join(
            f"  C{index}:\n"
            "    Type: AWS::ImageBuilder::Component\n"
            "    Properties:\n"
            f"      Name: c{index}\n"
            "      Platform: Linux\n"
            "      Version: 1.0.0\n"
            '      Data: "schemaVersion: 1.0\\nphases:\\n  - name: build\\n    steps: []\\n"\n'
            for index in range(count)
        )
    tabled: list[int] = []
    made = positions.LineTable.__init__

    def counting(self: positions.LineTable, table_text: str) -> None:
        if table_text == text:
            tabled.append(1)
        made(self, table_text)

    monkeypatch.setattr(positions.LineTable, "__init__", counting)
    loaded = load_text(text, name)
    documents = [r for r in loaded.resources if r.kind is ResourceKind.COMPONENT_DOCUMENT]
    assert len(documents) == count
    assert documents[-1].body.span.start_line > documents[0].body.span.start_line
    assert len(tabled) <= 1
