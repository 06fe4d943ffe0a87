import datetime

import pytest

from gongkai.core.identifiers import id_check_char
from gongkai.privacy.detect import Kind, luhn_ok, mask_text, scan_table, scan_text

VALID_IDS = ["11010519491231002X", "440524188001010014", "34052419800101001X", "370101190102039973"]


def kinds(text, **kwargs):
    return [f.kind for f in scan_text(text, **kwargs)]


def luhn_complete(body: str) -> str:
    """body + the digit that makes it pass the Luhn check."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


@pytest.mark.parametrize("number", VALID_IDS)
def test_the_reference_test_vectors_are_found_as_id_numbers(number):
    findings = scan_text(f"申请人身份证号{number}，已审核。")
    assert [f.kind for f in findings] == [Kind.ID_NUMBER]
    f = findings[0]
    assert (f.text, f.start, f.end) == (number, 7, 25)
    assert f.label == "公民身份号码"
    assert f.masked == number[:2] + "*" * 13 + number[-3:]


def test_a_lower_case_x_is_accepted_as_the_check_character():
    assert kinds("11010519491231002x") == [Kind.ID_NUMBER]


def test_an_id_number_with_a_wrong_check_character_is_not_an_id_number():
    assert scan_text("11010519491231002Y") == []
    assert Kind.ID_NUMBER not in kinds("110105194912310021")


def test_an_id_number_with_an_impossible_birth_date_is_not_an_id_number():
    first17 = "11010519490231002"  # 31 February
    assert Kind.ID_NUMBER not in kinds(first17 + id_check_char(first17))


def test_an_id_number_born_after_today_is_not_an_id_number():
    first17 = "11010520300101002"
    number = first17 + id_check_char(first17)
    assert kinds(number, today=datetime.date(2024, 1, 1)) == []
    assert kinds(number, today=datetime.date(2031, 1, 1)) == [Kind.ID_NUMBER]


def test_an_eighteen_digit_number_with_a_wrong_check_character_is_a_bank_card_when_it_passes_luhn():
    number = luhn_complete("62220212345678901")
    assert Kind.ID_NUMBER not in kinds(number)
    assert kinds(number) == [Kind.BANK_CARD]


def test_an_id_number_inside_a_longer_digit_run_is_not_found():
    assert Kind.ID_NUMBER not in kinds("9" + VALID_IDS[1])
    assert Kind.ID_NUMBER not in kinds(VALID_IDS[1] + "9")


def test_full_width_digits_are_found_with_offsets_into_the_original_text():
    wide = "１１０１０５１９４９１２３１００２Ｘ"
    text = f"号码：{wide}。"
    [f] = scan_text(text)
    assert f.kind == Kind.ID_NUMBER
    assert (f.start, f.end, f.text) == (3, 21, wide)
    assert text[f.start : f.end] == wide
    assert f.masked == "11*************02X"


def test_full_width_mobile_numbers_are_found():
    [f] = scan_text("电话：１３８１２３４５６７８")
    assert f.kind == Kind.MOBILE
    assert f.text == "１３８１２３４５６７８"


def test_fifteen_digit_old_id_numbers_are_found():
    [f] = scan_text("旧证号110105491231002。")
    assert f.kind == Kind.ID_NUMBER_15
    assert f.label == "公民身份号码（15位）"
    assert f.text == "110105491231002"


def test_fifteen_digit_numbers_without_a_real_date_or_province_are_not_id_numbers():
    assert scan_text("110105491331002") == []  # month 13
    assert scan_text("990105491231002") == []  # no province 99
    assert Kind.ID_NUMBER_15 not in kinds("1101054912310021")  # 16 digits


@pytest.mark.parametrize(
    "text",
    [
        "13812345678",
        "联系电话：13812345678。",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "+86-13812345678",
        "0086 13812345678",
        "（+86）13812345678",
        "手机19912345678",
        "手机１３８－１２３４－５６７８",
    ],
)
def test_mobile_numbers_are_found_in_their_usual_spellings(text):
    [f] = scan_text(text)
    assert f.kind == Kind.MOBILE
    assert f.label == "手机号码"
    assert f.masked.endswith("138****5678") or f.masked.endswith("199****5678")


def test_a_mobile_number_keeps_its_country_code_in_the_masked_preview():
    [f] = scan_text("+86 13812345678")
    assert f.masked == "+86 138****5678"
    assert f.text == "+86 13812345678"


def test_numbers_that_only_look_like_mobiles_are_not_found():
    assert scan_text("12812345678") == []  # 12x is not a mobile prefix
    assert scan_text("213812345678") == []  # part of a longer run
    assert scan_text("138123456789") == []
    assert scan_text("金额13812345678.50元") == []


def test_bank_card_numbers_passing_luhn_are_found():
    card16 = luhn_complete("622202123456789")
    card19 = luhn_complete("622848001234567890")
    assert kinds(f"卡号{card16}") == [Kind.BANK_CARD]
    [f] = scan_text(f"账号：{card19}")
    assert f.kind == Kind.BANK_CARD
    assert f.label == "银行卡号"
    assert f.masked == "*" * 15 + card19[-4:]


def test_bank_card_numbers_grouped_by_spaces_are_found():
    card = luhn_complete("622202123456789012")
    grouped = " ".join(card[i : i + 4] for i in range(0, len(card), 4))
    [f] = scan_text(f"卡号 {grouped} 。")
    assert f.kind == Kind.BANK_CARD
    assert f.text == grouped


def test_numbers_failing_luhn_are_not_bank_cards():
    card = luhn_complete("622202123456789")
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert scan_text(wrong) == []


def test_a_row_of_four_digit_figures_is_not_a_bank_card():
    row = "1200 3400 5600 7800 9000 1100"
    assert Kind.BANK_CARD not in kinds(row)


@pytest.mark.parametrize(
    "text",
    [
        "索引号：11640221MB1234567X/2024-00012",
        "索引号 123456789/2024-00001",
        "索引号 12345678-9/2024-00001",
        "12345678X-2024-000123",
        "640521001001002024000123456",
        "渠政发〔2024〕12号",
        "国办函〔2020〕109号",
        "2024年12月31日",
        "2024-01-01 至 2024-12-31",
        "20240101",
        "联系电话：0952-6860685",
        "（0952）6860685",
        "09526860685",
        "咨询电话：0952-6860685、0952-6860686",
        "金额：1,234,567.89元",
        "共计12345678.90元",
        "保障人数3人，月保障金额1260元",
        "邮编751600",
    ],
)
def test_ordinary_government_text_raises_no_alarm(text):
    assert scan_text(text) == []


def test_an_all_digit_credit_code_heading_an_index_number_is_not_an_id_number():
    # A 统一社会信用代码 made only of digits that also passes the ID check, used in a 索引号.
    from gongkai.core.identifiers import credit_code_check_char, is_valid_id_number

    for seq in range(1000):
        first17 = f"11010519491231{seq:03d}"
        candidate = first17 + id_check_char(first17)
        if is_valid_id_number(candidate) and credit_code_check_char(first17) == candidate[-1]:
            break
    else:
        pytest.skip("no number valid as both")
    assert kinds(candidate) == [Kind.ID_NUMBER]
    assert kinds(f"{candidate}/2024-00012") == []
    assert kinds(f"统一社会信用代码：{candidate}") == []


def test_several_findings_come_back_in_order_without_overlaps():
    text = "张三 11010519491231002X 13812345678；李四 440524188001010014 138-0000-1111"
    findings = scan_text(text)
    assert [f.kind for f in findings] == [Kind.ID_NUMBER, Kind.MOBILE, Kind.ID_NUMBER, Kind.MOBILE]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for f in findings:
        assert text[f.start : f.end] == f.text


def test_an_empty_text_has_no_findings():
    assert scan_text("") == []


def test_scan_table_gives_the_row_and_column_of_each_finding():
    rows = [
        ["序号", "户主姓名", "身份证号", "联系电话", "保障金额"],
        [1, "张三", "11010519491231002X", 13812345678, 1260.0],
        [2, "李四", None, "0952-6860685", 980.5],
        [3, "王五", "440524188001010014", 13912345678.0, 1260],
    ]
    findings = scan_table(rows)
    assert [(t.row, t.column, t.finding.kind) for t in findings] == [
        (1, 2, Kind.ID_NUMBER),
        (1, 3, Kind.MOBILE),
        (3, 2, Kind.ID_NUMBER),
        (3, 3, Kind.MOBILE),
    ]
    assert findings[3].finding.text == "13912345678"


# ---- numbers written in groups (issue 11) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "110105 1949 1231 002X",
        "110105-1949-1231-002X",
        "110105.1949.1231.002X",
        "110105 19491231 002X",
        "110105-19491231-002x",
        "１１０１０５　１９４９　１２３１　００２Ｘ",
    ],
)
def test_an_id_number_written_in_groups_is_found_and_masked(written):
    text = f"户主身份证号：{written}，低保户。"
    [f] = scan_text(text)
    assert f.kind == Kind.ID_NUMBER
    assert f.text == written
    assert text[f.start : f.end] == written
    assert f.masked == "11*************02X"
    assert mask_text(text) == "户主身份证号：11*************02X，低保户。"


@pytest.mark.parametrize(
    "written",
    ["138-0000-0000", "138.0000.0000", "138 0000 0000", "１３８．００００．００００", "+86 138-0000-0000"],
)
def test_a_mobile_written_in_groups_is_found_and_masked(written):
    [f] = scan_text(f"联系电话 {written} 。")
    assert f.kind == Kind.MOBILE
    assert f.text == written
    assert f.masked.endswith("138****0000")
    assert "0000-0000" not in mask_text(f"联系电话 {written} 。")


def test_grouped_numbers_with_a_wrong_check_character_or_mixed_separators_are_not_found():
    assert scan_text("110105 1949 1231 0021") == []  # check character should be X
    assert scan_text("110105 1949-1231 002X") == []  # one separator throughout
    assert scan_text("138-0000 0000") == []


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-01",
        "2024.01.01",
        "2024 01 01",
        "2024年1月1日至2024.12.31",
        "联系电话：0952-6860685",
        "0952-686-0685",
        "010-8765-4321",
        "（010）8765 4321",
        "索引号：11640221MB1234567X/2024-00012",
        "索引号：640221-2024-00012",
        "金额：138.0000.00元",
        "金额 1,380,000.00 元",
        "共计 138 0000 元",
        "保障金额 1260.00 1380.00 1500.00",
        "138 1234 5678 9012",
        "138-1234-5678-9012",
        "200101 2024 0101 0001",
    ],
)
def test_grouped_writing_adds_no_alarm_on_dates_landlines_index_numbers_and_amounts(text):
    assert scan_text(text) == []
