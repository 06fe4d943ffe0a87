"""docs/architecture.md shows the workflows' transition tables as the code defines them."""

import re
from pathlib import Path

from gongkai.office.management.commands.transitions import transition_tables

DOC = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def test_the_documented_transition_tables_are_the_ones_in_the_code():
    documented = re.search(
        r"<!-- transitions:begin -->\n(.*?)<!-- transitions:end -->", DOC.read_text(), re.S
    )
    assert documented, "docs/architecture.md lost its transitions block"
    assert documented.group(1) == transition_tables(), "run `gongkai transitions` and paste its output"


def test_every_state_of_each_workflow_appears_in_its_table():
    tables = transition_tables()
    for state in ("secrecy_review", "approval", "retracted", "checked", "pending", "corrected"):
        assert f"`{state}`" in tables
