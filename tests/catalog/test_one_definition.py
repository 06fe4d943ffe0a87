"""The text of a body, defined once (core.text.body_text): what the privacy guard scans and what search indexes
(catalog/services.py and search/services.py each had their own, one joining blocks, one splitting inline runs)."""

import pytest
from catalog_helpers import VALID_ID

from gongkai.catalog import services
from gongkai.core.text import body_text


def test_body_text_keeps_inline_runs_together_and_separates_blocks():
    assert body_text("<p>身份证号<span>110105</span><b>19491231002X</b></p><p>春耕&amp;秋收</p>") == (
        "身份证号11010519491231002X\n\n春耕&秋收"
    )


@pytest.mark.parametrize(
    "body", [f"<p><span>{VALID_ID[:6]}</span>{VALID_ID[6:]}</p>", f"<div>{VALID_ID}</div>"]
)
def test_the_privacy_guard_reads_the_same_text_as_search(township, clerk, make_draft, body):
    draft = make_draft(clerk, township, body=body)
    found = services.privacy_findings(draft)
    assert [f.label for f in found] == ["公民身份号码"] and found[0].where == "正文"
