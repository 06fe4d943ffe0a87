import re

from hypothesis import given
from hypothesis import strategies as st

from gongkai.search.tokens import highlight, query_terms, tokens_for_document


def contains_phrase(tokens, phrase):
    n = len(phrase)
    return any(tokens[i : i + n] == phrase for i in range(len(tokens) - n + 1))


def test_a_run_of_chinese_characters_becomes_overlapping_bigrams():
    assert tokens_for_document("最低生活保障") == ["最低", "低生", "生活", "活保", "保障"]


def test_a_lone_chinese_character_is_its_own_token():
    assert tokens_for_document("第3号") == ["第", "3", "号"]


def test_latin_and_digit_runs_become_lower_case_words():
    assert tokens_for_document("OFD and PDF 2024") == ["ofd", "and", "pdf", "2024"]


def test_full_width_characters_are_normalised_first():
    assert tokens_for_document("２０２４年ＰＤＦ") == ["2024", "年", "pdf"]


def test_punctuation_separates_runs():
    assert tokens_for_document("渠政发〔2024〕12号") == ["渠政", "政发", "2024", "12", "号"]
    assert tokens_for_document("低保、特困。") == ["低保", "特困"]


def test_a_two_character_word_is_a_single_token_query():
    assert query_terms("低保") == [["低保"]]


def test_each_query_word_becomes_a_phrase_of_bigrams():
    assert query_terms("最低生活  低保 PDF") == [["最低", "低生", "生活"], ["低保"], ["pdf"]]
    assert query_terms("") == []
    assert query_terms("，。") == []


def test_repeated_query_words_are_asked_once():
    assert query_terms("低保 低保") == [["低保"]]


def test_a_four_character_phrase_matches_only_where_contiguous():
    phrase = query_terms("最低生活")[0]
    assert contains_phrase(tokens_for_document("关于调整城乡最低生活保障标准的通知"), phrase)
    # All the bigrams are there, but not in a row.
    assert not contains_phrase(tokens_for_document("最低标准；低生育率；生活补贴"), phrase)


def test_highlight_marks_the_match_in_a_snippet():
    text = "关于调整2024年城乡最低生活保障标准的通知"
    assert highlight(text, "最低生活") == "关于调整2024年城乡<mark>最低生活</mark>保障标准的通知"


def test_highlight_escapes_the_surrounding_text():
    text = '<script>alert("x")</script> 低保名单 & 公示'
    result = highlight(text, "低保")
    assert "<script>" not in result
    assert "&lt;script&gt;" in result
    assert "&amp;" in result
    assert "<mark>低保</mark>" in result
    assert re.sub(r"</?mark>", "", result).count("<") == 0


def test_highlight_escapes_the_matched_text_too():
    assert highlight("a<b> c", "<b>") == "a<mark>&lt;b&gt;</mark> c"


def test_highlight_cuts_a_window_around_the_first_match():
    text = "甲" * 100 + "低保" + "乙" * 100
    result = highlight(text, "低保", width=20)
    assert result.startswith("…") and result.endswith("…")
    assert "<mark>低保</mark>" in result
    assert len(re.sub(r"</?mark>|…", "", result)) == 20


def test_highlight_matches_across_full_width_and_case():
    assert highlight("文件ＰＤＦ版", "pdf") == "文件<mark>ＰＤＦ</mark>版"


def test_highlight_marks_every_word_of_the_query():
    assert highlight("低保和特困", "特困 低保") == "<mark>低保</mark>和<mark>特困</mark>"


def test_highlight_without_a_match_gives_the_start_of_the_text():
    assert highlight("乙" * 100, "低保", width=10) == "乙" * 10 + "…"
    assert highlight("a & b", "") == "a &amp; b"


CJK = "最低生活保障特困供养临时救助公示名单"


@given(st.text(alphabet=CJK + "abcXYZ0123 ，。、", max_size=40))
def test_tokens_contain_the_bigram_of_every_two_character_substring_of_a_chinese_run(text):
    tokens = set(tokens_for_document(text))
    for run in re.findall(f"[{CJK}]+", text):
        if len(run) == 1:
            assert run in tokens
        for i in range(len(run) - 1):
            assert run[i : i + 2] in tokens


@given(st.text(alphabet=CJK, min_size=2, max_size=30), st.data())
def test_any_chinese_substring_of_a_document_is_found_as_a_phrase(doc, data):
    start = data.draw(st.integers(0, len(doc) - 2))
    end = data.draw(st.integers(start + 2, len(doc)))
    [phrase] = query_terms(doc[start:end])
    assert contains_phrase(tokens_for_document(doc), phrase)


@given(st.text(max_size=80), st.text(max_size=10))
def test_highlight_output_never_carries_markup_other_than_mark(text, q):
    result = highlight(text, q)
    assert "<" not in re.sub(r"</?mark>", "", result)


_MIXED = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E),
        st.characters(min_codepoint=0x3000, max_codepoint=0x303F),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4E40),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF65),
        st.characters(min_codepoint=0xF900, max_codepoint=0xF910),
        st.sampled_from("⼀〸①½Ⅳ Àé"),
    ),
    max_size=40,
)


@given(_MIXED)
def test_the_fast_normalisation_gives_the_same_tokens_as_full_nfkc(text):
    import unicodedata

    full = unicodedata.normalize("NFKC", text).casefold()
    assert tokens_for_document(full) == tokens_for_document(text)
