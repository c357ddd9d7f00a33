"""core.numerals: the one reading and writing of Chinese numerals (cn2an), with values worked by hand."""

import pytest

from minsheng.core.numerals import chinese, chinese_int, chinese_value


@pytest.mark.parametrize(("text", "value"), [
    ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("一百零一", 101), ("两", 2),
    ("二〇二四", 2024),  # a year written digit by digit
    ("12", 12), ("０７", 7),  # digits, full-width too
])
def test_whole_numbers(text, value):
    assert chinese_int(text) == value


@pytest.mark.parametrize("text", ["", "十十", "一、", "1.5", "1万", "二期", "A1"])
def test_anything_else_is_not_a_number(text):
    assert chinese_int(text) is None


def test_values_with_multipliers():
    assert chinese_value("二十六万九千") == 269000 and isinstance(chinese_value("十"), int)
    assert chinese_value("三点五") == 3.5
    assert chinese_value("万") is None


@pytest.mark.parametrize(("n", "text", "capital"), [
    (1, "一", "壹"), (10, "十", "壹拾"), (12, "十二", "壹拾贰"), (23, "二十三", "贰拾叁"),
    (101, "一百零一", "壹佰零壹"), (1010, "一千零一十", "壹仟零壹拾"),
])
def test_writing(n, text, capital):
    assert chinese(n) == text and chinese(n, capital=True) == capital
