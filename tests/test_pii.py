"""core.pii: phone and ID numbers found in free text however they are written, and nothing else touched."""

import pytest

from minsheng.core.pii import (
    find_numbers,
    fold,
    mask_id_number,
    mask_name,
    mask_phone,
    mask_text,
    normalise_phone,
)

# 330106 19850312 123 + check digit 1, and 33010619850312108 + X (worked out with stdnum.cn.ric).
ID_18 = "330106198503121231"
ID_18_X = "33010619850312108X"
# The same person's first-generation number: no century, no check digit.
ID_15 = "330106850312123"


@pytest.mark.parametrize("text,masked", [
    # Mobiles: the first three and the last four stay, whatever the prefix and the grouping.
    ("电话13800138000请回电", "电话138****8000请回电"),
    ("+86 138 0013 8000", "+86 138 **** 8000"),
    ("86-138-0013-8000", "86-138-****-8000"),
    ("0086 13800138000", "0086 138****8000"),
    ("138-0013-8000", "138-****-8000"),
    # Full-width digits and dashes are found and keep their width.
    ("我的手机１３８００１３８０００。", "我的手机１３８****８０００。"),
    ("电话：１３８－００１３－８０００", "电话：１３８－****－８０００"),
    # Landlines with their area code: the code stays.
    ("座机0571-87654321", "座机0571-****4321"),
    ("(0571)8765 4321", "(0571)**** 4321"),
    ("010-12345678", "010-****5678"),
    ("02187654321", "021****4321"),
    # ID numbers: the first four and the last four.
    (f"身份证{ID_18}", "身份证3301**********1231"),
    (f"身份证号{ID_18_X}。", "身份证号3301**********108X。"),
    (f"身份证号{ID_18_X.lower()}", "身份证号3301**********108x"),
    (f"老身份证{ID_15}", "老身份证3301*******2123"),
    ("330106 19850312 1231", "3301** ******** 1231"),
    # A mistyped check digit is still somebody's ID number.
    ("330106199001011234", "3301**********1234"),
    # Two numbers in one text, the rest untouched.
    (f"联系人张三 13800138000，身份证 {ID_18}，地址文三路 100 号",
     "联系人张三 138****8000，身份证 3301**********1231，地址文三路 100 号"),
])
def test_numbers_are_masked_however_written(text, masked):
    assert mask_text(text) == masked


@pytest.mark.parametrize("text", [
    "2024年10月8日", "2024-10-08", "20241008", "2024/10/08 14:30",
    "总投资12345678元", "补助1500000元", "完成85.8万人次", "新增停车泊位12000个", "第2024001号文件",
    "3.5亿元", "1,380,013,800元", "文三路 100 号 3 单元 502 室",
    # Public service lines name no person.
    "请拨打12345热线", "客服热线400-800-1234", "报警110，急救120",
    # 18 digits that are not an ID (no such birth date), and a 17-digit order number.
    "订单号202410080000012345", "流水号12345678901234567",
    "",
])
def test_dates_amounts_and_figures_are_left_alone(text):
    assert mask_text(text) == text


def test_positions_survive_folding_and_wide_characters():
    text = "①号楼 ⑩单元 电话１３８００１３８０００"
    assert len(fold(text)) == len(text)
    (found,) = find_numbers(text)
    assert text[found.start:found.end] == "１３８００１３８０００"
    assert mask_text(text) == "①号楼 ⑩单元 电话１３８****８０００"


def test_masking_twice_changes_nothing_more():
    once = mask_text(f"+86 138 0013 8000 {ID_18}")
    assert mask_text(once) == once


def test_contact_fields():
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***" and mask_name(" ") == ""
    assert mask_phone("13766667777") == "137****7777"
    assert mask_phone("１３７６６６６７７７７") == "137****7777"
    assert mask_phone("12345") == "*****"
    assert mask_id_number("330106199001011234") == "3301**********1234"


@pytest.mark.parametrize("phone", ["13800138000", "+86 138-0013-8000", "0086 13800138000", "86 138 0013 8000",
                                   "１３８００１３８０００", " 138 0013 8000 "])
def test_one_key_per_mobile(phone):
    assert normalise_phone(phone) == "13800138000"


@pytest.mark.parametrize("phone", ["0571-87654321", "(0571) 8765 4321", "+86 571 8765 4321", "057187654321"])
def test_one_key_per_landline(phone):
    assert normalise_phone(phone) == "057187654321"
