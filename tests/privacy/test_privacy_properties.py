import datetime
import re

from hypothesis import given
from hypothesis import strategies as st

from gongkai.core.identifiers import id_check_char, is_valid_id_number
from gongkai.privacy.detect import PROVINCE_CODES, Kind, mask_text, normalize_width, scan_text

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def id_numbers(draw):
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    area = draw(st.integers(0, 9999))
    born = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2023, 12, 31)))
    sequence = draw(st.integers(0, 999))
    first17 = f"{province}{area:04d}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


# Surrounding text that cannot extend a number: no digits, no X.
filler = st.text(alphabet="低保名单户主张三李四：，。、 （）abc\n", max_size=12)


@given(id_numbers(), filler, filler)
def test_every_valid_id_number_is_detected_wherever_it_stands(number, before, after):
    text = before + number + after
    ids = [f for f in scan_text(text) if f.kind == Kind.ID_NUMBER]
    assert [(f.text, f.start) for f in ids] == [(number, len(before))]


@given(id_numbers(), filler, filler)
def test_every_valid_id_number_is_detected_in_full_width_digits(number, before, after):
    wide = number.translate(FULL_WIDTH)
    text = before + wide + after
    ids = [f for f in scan_text(text) if f.kind == Kind.ID_NUMBER]
    assert [(f.text, f.start, f.end) for f in ids] == [(wide, len(before), len(before) + 18)]


piece = st.one_of(
    id_numbers(),
    id_numbers().map(lambda n: n.translate(FULL_WIDTH)),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[0-9]{1,25}", fullmatch=True),
    st.text(alphabet="低保金额元号（）〔〕/-.", min_size=1, max_size=6),
)
separator = st.sampled_from([" ", "，", "、", "号", "\n", "：", "元"])


@given(st.lists(piece, max_size=8), separator)
def test_masked_text_contains_no_valid_id_number(pieces, sep):
    masked = mask_text(sep.join(pieces))
    assert not [f for f in scan_text(masked) if f.kind in (Kind.ID_NUMBER, Kind.ID_NUMBER_15)]
    for m in re.finditer(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9X])", normalize_width(masked)):
        assert not is_valid_id_number(m.group())


@given(st.text(max_size=60))
def test_findings_always_point_at_their_text_in_the_original(text):
    for f in scan_text(text):
        assert text[f.start : f.end] == f.text
        assert f.label


@given(st.text(max_size=60))
def test_masking_a_text_twice_changes_nothing_more(text):
    once = mask_text(text)
    assert mask_text(once) == once


@given(
    id_numbers(), st.sampled_from([" ", "-", "."]), st.sampled_from([(6, 8, 4), (6, 4, 4, 4)]), filler, filler
)
def test_every_valid_id_number_written_in_groups_is_detected_and_masked(number, sep, groups, before, after):
    parts, i = [], 0
    for size in groups:
        parts.append(number[i : i + size])
        i += size
    written = sep.join(parts)
    text = before + written + after
    ids = [f for f in scan_text(text) if f.kind == Kind.ID_NUMBER]
    assert [(f.text, f.start) for f in ids] == [(written, len(before))]
    masked = mask_text(text)
    assert number[6:14] not in re.sub(r"[ .-]", "", masked)  # the birth date is gone


@given(
    st.sampled_from(["3", "5", "8", "9"]), st.integers(0, 10**8 - 1), st.sampled_from([" ", "-", "."]), filler
)
def test_every_mobile_written_in_groups_is_detected(second, rest, sep, before):
    digits = f"1{second}{rest:09d}"
    written = sep.join((digits[:3], digits[3:7], digits[7:]))
    [f] = scan_text(before + written + "。")
    assert f.kind == Kind.MOBILE
    assert f.masked == digits[:3] + "****" + digits[-4:]
