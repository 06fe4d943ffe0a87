"""The reference texts the tests read (tests/fixtures/reference/) are true copies of the shared originals."""

import glossary
import pytest


@pytest.mark.parametrize("name", ["annual-report-format.md", "glossary.md"])
def test_the_copied_reference_is_the_shared_original(name):
    original = glossary.SHARED_REFERENCE / name
    if not original.exists():
        pytest.skip(f"{original} is not beside this checkout")
    assert glossary.read(name) == original.read_text(encoding="utf-8")
