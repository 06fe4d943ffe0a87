import pytest

from gongkai.privacy.detect import mask_text
from gongkai.privacy.mask import (
    ColumnMasking,
    default_masking_for_header,
    mask_bank_card,
    mask_cell,
    mask_id_number,
    mask_mobile,
    mask_name,
    truncate_address,
)


def test_id_numbers_keep_the_first_two_and_last_three_characters_by_default():
    assert mask_id_number("35010219800101123X") == "35*************23X"
    assert mask_id_number("11010519491231002x") == "11*************02X"


def test_id_number_masking_is_configurable_within_its_limits():
    assert mask_id_number("11010519491231002X", keep_leading=6, keep_trailing=4) == "110105********002X"
    with pytest.raises(ValueError):
        mask_id_number("11010519491231002X", keep_leading=1)
    with pytest.raises(ValueError):
        mask_id_number("11010519491231002X", keep_leading=7)
    with pytest.raises(ValueError):
        mask_id_number("11010519491231002X", keep_trailing=5)


def test_fifteen_digit_id_numbers_are_masked_the_same_way():
    assert mask_id_number("110105491231002") == "11**********002"


def test_mobile_numbers_keep_three_leading_and_four_trailing_digits():
    assert mask_mobile("13812341234") == "138****1234"
    assert mask_mobile("138 1234 1234") == "138****1234"
    assert mask_mobile("+86-138-1234-1234") == "138****1234"
    assert mask_mobile("１３８１２３４１２３４") == "138****1234"


def test_bank_cards_keep_only_the_last_four_digits():
    assert mask_bank_card("6222021234567890123") == "***************0123"
    assert mask_bank_card("6222 0212 3456 7890") == "************7890"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("王小明", "王**"),
        ("欧阳修文", "欧阳**"),
        ("欧阳", "欧*"),
        ("司马光", "司马*"),
        ("李", "李"),
    ],
)
def test_names_keep_the_surname_only(name, masked):
    assert mask_name(name) == masked


def test_name_masking_can_use_a_fixed_number_of_stars():
    assert mask_name("王小明", stars=1) == "王*"


@pytest.mark.parametrize(
    ("address", "township", "village"),
    [
        (
            "宁夏回族自治区吴忠市同心县豫海镇西关村3组45号",
            "宁夏回族自治区吴忠市同心县豫海镇",
            "宁夏回族自治区吴忠市同心县豫海镇西关村",
        ),
        ("同心县马高庄乡马高庄村二组", "同心县马高庄乡", "同心县马高庄乡马高庄村"),
        ("江苏省镇江市京口区象山街道学府路1号", "江苏省镇江市京口区象山街道", "江苏省镇江市京口区象山街道"),
        ("山西省临汾市乡宁县管头镇东村5号", "山西省临汾市乡宁县管头镇", "山西省临汾市乡宁县管头镇东村"),
        (
            "银川市兴庆区凤凰北街街道办事处文化社区12号楼",
            "银川市兴庆区凤凰北街街道办事处",
            "银川市兴庆区凤凰北街街道办事处文化社区",
        ),
        ("北京市朝阳区建国路88号", "北京市朝阳区", "北京市朝阳区"),
        ("3组45号", "", ""),
    ],
)
def test_addresses_are_cut_after_the_township_or_the_village(address, township, village):
    assert truncate_address(address) == township
    assert truncate_address(address, level="village") == village


def test_mask_text_masks_every_finding_in_place():
    text = "户主张三，身份证号11010519491231002X，电话138 1234 5678，卡号6222021234567890128。咨询电话0952-6860685。"
    assert mask_text(text) == (
        "户主张三，身份证号11*************02X，电话138****5678，卡号***************0128。咨询电话0952-6860685。"
    )


def test_mask_text_honours_the_id_masking_settings():
    assert mask_text("证号440524188001010014", keep_leading=6, keep_trailing=4) == "证号440524********0014"


def test_mask_text_leaves_clean_text_alone():
    text = "索引号：11640221MB1234567X/2024-00012，渠政发〔2024〕12号"
    assert mask_text(text) == text


def test_column_masking_choices_carry_chinese_labels_for_the_ui():
    labels = dict(ColumnMasking.choices)
    assert labels[ColumnMasking.KEEP] == "保留"
    assert labels[ColumnMasking.DROP] == "隐藏整列"
    assert labels[ColumnMasking.ID_NUMBER] == "身份证号脱敏"
    assert labels[ColumnMasking.MOBILE] == "手机号脱敏"
    assert labels[ColumnMasking.NAME] == "姓名脱敏"
    assert labels[ColumnMasking.BANK_CARD_LAST4] == "银行卡仅留后四位"
    assert labels[ColumnMasking.ADDRESS] == "地址截断"


@pytest.mark.parametrize(
    ("header", "masking"),
    [
        ("身份证号", ColumnMasking.ID_NUMBER),
        ("证件号码", ColumnMasking.ID_NUMBER),
        ("户主身份证号码", ColumnMasking.ID_NUMBER),
        ("公民身份号码", ColumnMasking.ID_NUMBER),
        ("联系电话", ColumnMasking.MOBILE),
        ("手机号", ColumnMasking.MOBILE),
        ("银行账号", ColumnMasking.BANK_CARD_LAST4),
        ("社保卡号", ColumnMasking.BANK_CARD_LAST4),
        ("开户银行", ColumnMasking.BANK_CARD_LAST4),
        ("家庭住址", ColumnMasking.ADDRESS),
        ("地址", ColumnMasking.ADDRESS),
        ("户主", ColumnMasking.KEEP),
        ("户主姓名", ColumnMasking.KEEP),
        ("姓名", ColumnMasking.KEEP),
        ("保障人数", ColumnMasking.KEEP),
        ("残疾类别", ColumnMasking.DROP),
        (" 身份证\n号码 ", ColumnMasking.ID_NUMBER),
        (None, ColumnMasking.KEEP),
    ],
)
def test_the_default_masking_is_guessed_from_the_column_header(header, masking):
    assert default_masking_for_header(header) == masking


def test_cells_are_masked_as_their_column_says():
    assert mask_cell("11010519491231002X", ColumnMasking.ID_NUMBER) == "11*************02X"
    assert mask_cell(13812345678, ColumnMasking.MOBILE) == "138****5678"
    assert mask_cell(13812345678.0, "mobile") == "138****5678"
    assert mask_cell("张三", ColumnMasking.NAME) == "张*"
    assert mask_cell("6222021234567890128", ColumnMasking.BANK_CARD_LAST4) == "***************0128"
    assert mask_cell("同心县豫海镇西关村", ColumnMasking.ADDRESS) == "同心县豫海镇"
    assert mask_cell("张三", ColumnMasking.KEEP) == "张三"
    assert mask_cell("anything", ColumnMasking.DROP) is None
    assert mask_cell(None, ColumnMasking.ID_NUMBER) == ""
