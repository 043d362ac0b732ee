"""Tests for core.validation.

Check digits are computed here with helpers written independently of the module under test.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import UserError, ValidationError
from core.validation import (
    IdNumberInfo,
    check_choice,
    check_credit_code,
    check_id_number,
    check_phone,
    normalise_mobile,
    optional_text,
    parse_date,
    parse_int,
    parse_int_list,
    require_text,
)

TODAY = date(2026, 4, 15)
CJK = re.compile(r"[\u4e00-\u9fff]")


# --- independent helpers ------------------------------------------------------------------------


def id_check(body: str) -> str:
    """GB 11643-1999 MOD 11-2, written from the standard's formula: weight_i = 2^(17-i) mod 11."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(body))
    return {0: "1", 1: "0", 2: "X"}.get(total % 11, str(12 - total % 11))


CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_check(body: str) -> str:
    """GB 32100-2015: weights 3^i mod 31, check value 31 - (sum mod 31), 31 meaning 0."""
    total = 0
    weight = 1
    for ch in body:
        total += CREDIT_CHARS.index(ch) * weight
        weight = weight * 3 % 31
    value = 31 - total % 31
    return CREDIT_CHARS[0 if value == 31 else value]


def refused(excinfo: pytest.ExceptionInfo[ValidationError], field: str, label: str) -> str:
    """Assert the common shape of a refusal and return its message."""
    err = excinfo.value
    assert isinstance(err, UserError)
    assert err.field == field
    assert label in err.message
    assert CJK.search(err.message)
    assert err.message == str(err)
    return err.message


def make_id(area: str, birth: date, seq: str) -> str:
    body = f"{area}{birth:%Y%m%d}{seq}"
    return body + id_check(body)


def test_independent_helpers_agree_with_textbook_examples() -> None:
    assert id_check("11010519491231002") == "X"
    assert id_check("64010419800101123") == "5"
    assert credit_check("91350100M000100Y4") == "3"
    assert credit_check("91110000600037341") == "L"


# --- 身份证号码 --------------------------------------------------------------------------------


def test_textbook_id_number() -> None:
    info = check_id_number("11010519491231002X", today=TODAY)
    assert info == IdNumberInfo(
        number="11010519491231002X", birth_date=date(1949, 12, 31), gender="女", warnings=[]
    )


def test_ningxia_id_number_is_male() -> None:
    info = check_id_number("640104198001011235", today=TODAY)
    assert info.number == "640104198001011235"
    assert info.birth_date == date(1980, 1, 1)
    assert info.gender == "男"
    assert info.warnings == []


def test_lower_case_x_spaces_and_full_width_are_normalised() -> None:
    assert check_id_number("11010519491231002x", today=TODAY).number == "11010519491231002X"
    assert check_id_number(" 110105 19491231 002x ", today=TODAY).number == "11010519491231002X"
    full_width = "６４０１０４１９８００１０１１２３５"
    assert check_id_number(full_width, today=TODAY).number == "640104198001011235"
    assert check_id_number("１１０１０５１９４９１２３１００２ｘ", today=TODAY).number == "11010519491231002X"


def test_id_defaults_to_real_today() -> None:
    assert check_id_number("640104198001011235").birth_date == date(1980, 1, 1)


def test_custom_field_and_label() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_id_number("640104198001011234", field="applicant_id", label="申请人身份证号码", today=TODAY)
    refused(excinfo, "applicant_id", "申请人身份证号码")


@pytest.mark.parametrize("value", ["64010419800101123", "6401041980010112355", "640104800101123"])
def test_id_wrong_length(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_id_number(value, today=TODAY)
    message = refused(excinfo, "id_number", "身份证号码")
    assert "18位" in message
    assert f"{len(value)}位" in message


@pytest.mark.parametrize("value", [None, "", "   "])
def test_id_empty(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_id_number(value, today=TODAY)
    assert refused(excinfo, "id_number", "身份证号码") == "请填写身份证号码"


@pytest.mark.parametrize(
    ("value", "bad"),
    [
        ("64010419800101123A", "A"),
        ("6401041980O101123" + "5", "O"),
        ("X40104198001011235", "X"),
        ("640104-98001011235", "-"),
        ("64010419800101١٢٣5", "١"),  # Arabic-Indic digits are not ASCII digits
    ],
)
def test_id_illegal_characters(value: str, bad: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_id_number(value, today=TODAY)
    message = refused(excinfo, "id_number", "身份证号码")
    assert "非法字符" in message
    assert bad in message


def test_id_wrong_check_digit_says_what_it_should_be() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_id_number("640104198001011234", today=TODAY)
    message = refused(excinfo, "id_number", "身份证号码")
    assert "校验位" in message
    assert "“5”" in message
    assert "“4”" in message


def test_id_wrong_check_digit_x_expected() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_id_number("110105194912310021", today=TODAY)
    assert "应为“X”" in refused(excinfo, "id_number", "身份证号码")


@pytest.mark.parametrize(
    "birth",
    ["19800230", "19801301", "19800001", "19800100", "19000229", "18991231"],
)
def test_id_impossible_birth_date(birth: str) -> None:
    value = make_id_body_raw("640104", birth, "123")
    with pytest.raises(ValidationError) as excinfo:
        check_id_number(value, today=TODAY)
    message = refused(excinfo, "id_number", "身份证号码")
    assert "出生日期" in message


def make_id_body_raw(area: str, birth: str, seq: str) -> str:
    body = area + birth + seq
    return body + id_check(body)


def test_id_birth_date_limits() -> None:
    assert check_id_number(make_id("640104", date(1900, 1, 1), "123"), today=TODAY).birth_date == date(
        1900, 1, 1
    )
    assert check_id_number(make_id("640104", TODAY, "123"), today=TODAY).birth_date == TODAY
    future = make_id("640104", TODAY + timedelta(days=1), "123")
    with pytest.raises(ValidationError) as excinfo:
        check_id_number(future, today=TODAY)
    message = refused(excinfo, "id_number", "身份证号码")
    assert "出生日期" in message
    assert "晚于今天" in message
    # 2000-02-29 is real; leap-year arithmetic must not refuse it
    assert check_id_number(make_id("640104", date(2000, 2, 29), "124"), today=TODAY).gender == "女"


@pytest.mark.parametrize("province", ["99", "00", "10", "24", "47", "72", "84", "92"])
def test_unknown_province_is_only_a_warning(province: str) -> None:
    info = check_id_number(make_id(province + "0104", date(1980, 1, 1), "123"), today=TODAY)
    assert len(info.warnings) == 1
    assert province in info.warnings[0]
    assert "身份证号码" in info.warnings[0]


@pytest.mark.parametrize("province", ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65"])
def test_known_provinces_give_no_warning(province: str) -> None:
    assert check_id_number(make_id(province + "0104", date(1980, 1, 1), "123"), today=TODAY).warnings == []


@pytest.mark.parametrize("province", ["71", "81", "82", "83", "91"])
def test_special_codes_give_no_warning(province: str) -> None:
    assert check_id_number(make_id(province + "0000", date(1990, 6, 1), "555"), today=TODAY).warnings == []


KNOWN_PROVINCES = {
    str(n) for n in [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]
} | {str(n) for n in [*range(61, 66), 71, 81, 82, 83, 91]}


id_bodies = st.builds(
    lambda area, birth, seq: f"{area}{birth:%Y%m%d}{seq}",
    st.text("0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.text("0123456789", min_size=3, max_size=3),
)


@given(id_bodies)
def test_any_body_with_computed_check_char_passes(body: str) -> None:
    number = body + id_check(body)
    info = check_id_number(number, today=TODAY)
    assert info.number == number
    assert info.birth_date == date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    assert info.gender == ("男" if int(body[16]) % 2 else "女")
    assert (info.warnings == []) == (body[:2] in KNOWN_PROVINCES)
    if number.endswith("X"):
        assert check_id_number(number.lower(), today=TODAY).number == number


@given(id_bodies, st.sampled_from("0123456789Xx"))
def test_any_other_check_char_fails(body: str, check: str) -> None:
    if check.upper() == id_check(body):
        return
    with pytest.raises(ValidationError) as excinfo:
        check_id_number(body + check, today=TODAY)
    message = refused(excinfo, "id_number", "身份证号码")
    assert f"应为“{id_check(body)}”" in message


@given(id_bodies, st.integers(0, 16), st.integers(1, 9))
def test_single_digit_typo_is_caught(body: str, position: int, delta: int) -> None:
    """MOD 11-2 detects every single-digit substitution (when the date stays valid)."""
    number = body + id_check(body)
    digit = (int(number[position]) + delta) % 10
    typo = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(ValidationError):
        check_id_number(typo, today=TODAY)


# --- 统一社会信用代码 ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L"])
def test_known_credit_codes(code: str) -> None:
    assert check_credit_code(code) == code


def test_credit_code_normalised() -> None:
    assert check_credit_code(" 91350100m000100y43 ") == "91350100M000100Y43"
    assert check_credit_code("9111 0000 6000 3734 1l") == "91110000600037341L"
    assert check_credit_code("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


@pytest.mark.parametrize("first", list("123456789ABCDEFGHNY"))
def test_credit_code_registration_authorities(first: str) -> None:
    body = first + "2640100MA76543210"[:16]
    code = body + credit_check(body)
    assert check_credit_code(code) == code


def test_credit_code_letter_first() -> None:
    body = "Y1640100MA7654321"
    code = body + credit_check(body)
    assert check_credit_code(code) == code
    assert check_credit_code(code.lower()) == code


@pytest.mark.parametrize("first", list("0JKLMPQRTUWX"))
def test_credit_code_unknown_registration_authority(first: str) -> None:
    body = first + "1640100MA7654321"
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code(body + credit_check(body))
    assert "第一位" in refused(excinfo, "credit_code", "统一社会信用代码")


@pytest.mark.parametrize("letter", list("IOSVZ"))
def test_credit_code_refuses_forbidden_letters(letter: str) -> None:
    code = "91350100M000100Y43"
    bad = code[:8] + letter + code[9:]
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code(bad)
    message = refused(excinfo, "credit_code", "统一社会信用代码")
    assert f"“{letter}”" in message
    # lower case is refused the same way
    with pytest.raises(ValidationError):
        check_credit_code(bad.lower())


def test_credit_code_illegal_character() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code("91350100M000100Y4#")
    assert "#" in refused(excinfo, "credit_code", "统一社会信用代码")


@pytest.mark.parametrize("value", ["91350100M000100Y4", "91350100M000100Y433", "12345"])
def test_credit_code_wrong_length(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code(value, field="org_code", label="单位统一社会信用代码")
    message = refused(excinfo, "org_code", "单位统一社会信用代码")
    assert "18位" in message
    assert f"{len(value)}位" in message


@pytest.mark.parametrize("value", [None, "", "  "])
def test_credit_code_empty(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code(value)
    assert refused(excinfo, "credit_code", "统一社会信用代码") == "请填写统一社会信用代码"


def test_credit_code_wrong_check_char() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code("91350100M000100Y44")
    message = refused(excinfo, "credit_code", "统一社会信用代码")
    assert "校验位" in message
    assert "应为“3”" in message


credit_bodies = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from("123456789ABCDEFGHNY"),
    st.text(CREDIT_CHARS, min_size=16, max_size=16),
)


@given(credit_bodies)
def test_generated_credit_codes_pass(body: str) -> None:
    code = body + credit_check(body)
    assert check_credit_code(code) == code
    assert check_credit_code(code.lower()) == code


@given(credit_bodies, st.sampled_from(CREDIT_CHARS))
def test_generated_credit_codes_with_wrong_check_fail(body: str, check: str) -> None:
    if check == credit_check(body):
        return
    with pytest.raises(ValidationError) as excinfo:
        check_credit_code(body + check)
    assert f"应为“{credit_check(body)}”" in refused(excinfo, "credit_code", "统一社会信用代码")


# --- 电话 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13800138000",
        "+86 138 0013 8000",
        "１３８００１３８０００",
        "0086-13800138000",
        "8613800138000",
        "+8613800138000",
        "138-0013-8000",
        "(+86) 138 0013 8000",
        "＋８６　１３８００１３８０００",
        "138–0013–8000",
    ],
)
def test_mobile_normalised(value: str) -> None:
    assert normalise_mobile(value) == "13800138000"


def test_mobile_starting_with_86_is_not_stripped() -> None:
    # 11 digits that happen to start with 86 are not a country code
    with pytest.raises(ValidationError):
        normalise_mobile("86138001380")


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("12345678901", "13至19"),
        ("10086100861", "13至19"),
        ("1380013800", "11位"),
        ("138001380001", "11位"),
        ("1380013800a", "数字"),
        ("+1 415 555 0100", "中国大陆"),
    ],
)
def test_mobile_refused(value: str, hint: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalise_mobile(value, field="mobile", label="申请人手机号码")
    assert hint in refused(excinfo, "mobile", "申请人手机号码")


@pytest.mark.parametrize("value", [None, "", " - "])
def test_mobile_empty(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        normalise_mobile(value)
    assert refused(excinfo, "phone", "手机号码") == "请填写手机号码"


@given(st.sampled_from("3456789"), st.text("0123456789", min_size=9, max_size=9))
def test_any_mobile_survives_formatting(second: str, rest: str) -> None:
    number = "1" + second + rest
    assert normalise_mobile(number) == number
    assert normalise_mobile(f"+86 {number[:3]} {number[3:7]} {number[7:]}") == number
    assert check_phone(f"0086-{number}") == number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0951-1234567", "0951-1234567"),
        ("(0951)1234567", "0951-1234567"),
        ("（0951）1234567", "0951-1234567"),
        ("09511234567", "0951-1234567"),
        ("0951 1234567", "0951-1234567"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("02112345678", "021-12345678"),
        ("075512345678", "0755-12345678"),
        ("0951-1234567-123", "0951-1234567转123"),
        ("0951-1234567转123", "0951-1234567转123"),
        ("(0951)1234567转8", "0951-1234567转8"),
        ("０９５１－１２３４５６７", "0951-1234567"),
        ("+86 138 0013 8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
    ],
)
def test_check_phone_accepts(value: str, expected: str) -> None:
    assert check_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    ["1234567", "951-1234567", "0951-123456", "0951-123456789", "4008123123", "0951-1234567-1234567", "电话"],
)
def test_check_phone_refuses(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_phone(value)
    assert "区号" in refused(excinfo, "phone", "联系电话")


def test_check_phone_refuses_bad_mobile_with_its_label() -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_phone("12345678901", field="contact", label="联系人电话")
    refused(excinfo, "contact", "联系人电话")


# --- 日期 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-02",
        "2026-3-2",
        "2026年3月2日",
        "2026年03月02日",
        "2026 年 3 月 2 日",
        "2026/3/2",
        "2026/03/02",
        "2026.3.2",
        "２０２６－０３－０２",
        "２０２６年３月２日",
        " 2026-03-02 ",
        date(2026, 3, 2),
        datetime(2026, 3, 2, 15, 30),
    ],
)
def test_parse_date_formats(value: object) -> None:
    assert parse_date(value, "received_on", "收到申请日期", today=TODAY) == date(2026, 3, 2)


@pytest.mark.parametrize("value", ["2026-02-30", "2026年2月30日", "2026/13/1", "2026.4.31", "2025-02-29"])
def test_parse_date_impossible(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_date(value, "received_on", "收到申请日期", today=TODAY)
    assert "不是有效日期" in refused(excinfo, "received_on", "收到申请日期")


def test_parse_date_impossible_message_names_month_length() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_date("2026-02-30", "received_on", "收到申请日期", today=TODAY)
    assert "2026年2月只有28天" in excinfo.value.message


def test_parse_date_leap_day() -> None:
    assert parse_date("2024-02-29", "d", "日期", today=TODAY) == date(2024, 2, 29)


@pytest.mark.parametrize(
    "value", ["2026-3", "20260302", "2026-03/02", "明天", "03/02/2026", "2026-03-02T10:00"]
)
def test_parse_date_bad_format(value: str) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_date(value, "received_on", "收到申请日期", today=TODAY)
    assert "格式" in refused(excinfo, "received_on", "收到申请日期")


@pytest.mark.parametrize("value", [None, "", "  ", 20260302, 3.5])
def test_parse_date_empty_or_wrong_type(value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_date(value, "received_on", "收到申请日期", today=TODAY)
    refused(excinfo, "received_on", "收到申请日期")


def test_parse_date_future() -> None:
    assert parse_date("2026-04-15", "d", "受理日期", today=TODAY) == TODAY
    with pytest.raises(ValidationError) as excinfo:
        parse_date("2026-04-16", "accepted_on", "受理日期", today=TODAY)
    message = refused(excinfo, "accepted_on", "受理日期")
    assert "2026-04-16" in message
    assert "不能晚于今天（2026-04-15）" in message
    assert parse_date("2026-04-16", "d", "期限", today=TODAY, allow_future=True) == date(2026, 4, 16)


def test_parse_date_future_uses_real_today_by_default() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError):
        parse_date(tomorrow.isoformat(), "d", "日期")
    assert parse_date(date.today().isoformat(), "d", "日期") == date.today()


def test_parse_date_not_before() -> None:
    received = (date(2026, 3, 10), "收到申请日期")
    with pytest.raises(ValidationError) as excinfo:
        parse_date("2026-03-01", "accepted_on", "受理日期", today=TODAY, not_before=received)
    assert refused(excinfo, "accepted_on", "受理日期") == (
        "受理日期（2026-03-01）不能早于收到申请日期（2026-03-10），请核对"
    )
    assert parse_date("2026-03-10", "accepted_on", "受理日期", today=TODAY, not_before=received) == date(
        2026, 3, 10
    )
    assert parse_date("2026/3/11", "accepted_on", "受理日期", today=TODAY, not_before=received) == date(
        2026, 3, 11
    )


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_round_trips(day: date) -> None:
    for text in (
        day.isoformat(),
        f"{day.year}年{day.month}月{day.day}日",
        f"{day.year}/{day.month}/{day.day}",
    ):
        assert parse_date(text, "d", "日期", allow_future=True) == day


@given(st.dates(), st.dates())
def test_parse_date_ordering(first: date, second: date) -> None:
    if second < first:
        with pytest.raises(ValidationError):
            parse_date(second, "d", "日期", allow_future=True, not_before=(first, "前一日期"))
    else:
        assert parse_date(second, "d", "日期", allow_future=True, not_before=(first, "前一日期")) == second


# --- 文字 ----------------------------------------------------------------------------------------


def test_require_text_strips() -> None:
    assert require_text("  张三  \n", "name", "姓名") == "张三"


@pytest.mark.parametrize("value", [None, "", "   ", "\n\t"])
def test_require_text_empty(value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        require_text(value, "name", "姓名")
    assert refused(excinfo, "name", "姓名") == "请填写姓名"


@pytest.mark.parametrize("value", [123, ["张三"], b"abc"])
def test_require_text_not_a_string(value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        require_text(value, "name", "姓名")
    assert "文字" in refused(excinfo, "name", "姓名")


def test_require_text_too_long() -> None:
    assert require_text("字" * 10, "reason", "申请理由", max_length=10) == "字" * 10
    with pytest.raises(ValidationError) as excinfo:
        require_text("字" * 13, "reason", "申请理由", max_length=10)
    message = refused(excinfo, "reason", "申请理由")
    assert "10" in message
    assert "13" in message


def test_require_text_default_limit_is_2000() -> None:
    assert len(require_text("a" * 2000, "f", "说明")) == 2000
    with pytest.raises(ValidationError) as excinfo:
        require_text("a" * 2001, "f", "说明")
    assert "2000" in excinfo.value.message
    assert "2001" in excinfo.value.message


def test_require_text_too_short() -> None:
    with pytest.raises(ValidationError) as excinfo:
        require_text(" 短 ", "reason", "申请理由", min_length=5)
    message = refused(excinfo, "reason", "申请理由")
    assert "5" in message
    assert "1" in message


def test_optional_text() -> None:
    assert optional_text(None, "note", "备注") == ""
    assert optional_text("", "note", "备注") == ""
    assert optional_text("   ", "note", "备注") == ""
    assert optional_text(" 无 ", "note", "备注") == "无"
    with pytest.raises(ValidationError) as excinfo:
        optional_text("x" * 6, "note", "备注", max_length=5)
    refused(excinfo, "note", "备注")
    with pytest.raises(ValidationError) as excinfo:
        optional_text(5, "note", "备注")
    refused(excinfo, "note", "备注")


# --- 选项 ----------------------------------------------------------------------------------------

RESULTS = ("予以容错免责", "予以从轻减轻处理", "不予容错免责")


def test_check_choice_accepts() -> None:
    assert check_choice("不予容错免责", "result", "认定结果", RESULTS) == "不予容错免责"
    assert check_choice(" 予以容错免责 ", "result", "认定结果", list(RESULTS)) == "予以容错免责"


@pytest.mark.parametrize("value", ["免责", "其他", 1, None, ""])
def test_check_choice_refuses(value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        check_choice(value, "result", "认定结果", RESULTS)
    message = refused(excinfo, "result", "认定结果")
    assert "予以容错免责、予以从轻减轻处理、不予容错免责" in message


# --- 整数 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3), ("3", 3), (" 12 ", 12), ("１２", 12), (4.0, 4), ("-2", -2)]
)
def test_parse_int_accepts(value: object, expected: int) -> None:
    assert parse_int(value, "count", "人数") == expected


@pytest.mark.parametrize("value", [True, False, 2.5, "2.5", "abc", "1,3", "١٢", [1], None, "", float("nan")])
def test_parse_int_refuses(value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_int(value, "count", "人数")
    refused(excinfo, "count", "人数")


def test_parse_int_fraction_message() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_int(2.5, "count", "人数")
    assert "小数" in excinfo.value.message


def test_parse_int_range() -> None:
    assert parse_int("1", "n", "序号", minimum=1, maximum=5) == 1
    assert parse_int("5", "n", "序号", minimum=1, maximum=5) == 5
    with pytest.raises(ValidationError) as excinfo:
        parse_int("6", "n", "序号", minimum=1, maximum=5)
    message = refused(excinfo, "n", "序号")
    assert "1到5" in message
    assert "6" in message
    with pytest.raises(ValidationError) as excinfo:
        parse_int(0, "n", "序号", minimum=1)
    assert "不能小于1" in excinfo.value.message
    with pytest.raises(ValidationError) as excinfo:
        parse_int(9, "n", "序号", maximum=8)
    assert "不能大于8" in excinfo.value.message


@given(st.integers(), st.integers(-1000, 1000), st.integers(0, 2000))
def test_parse_int_range_property(number: int, low: int, width: int) -> None:
    high = low + width
    if low <= number <= high:
        assert parse_int(str(number), "n", "序号", minimum=low, maximum=high) == number
    else:
        with pytest.raises(ValidationError):
            parse_int(number, "n", "序号", minimum=low, maximum=high)


@pytest.mark.parametrize(
    "value",
    ["1,3", "1，3", "1、3", "3、1", "1, 3", "1 3", "3,1,3,1", "１，３", [3, 1], [1, 3, 3], ("1", "3")],
)
def test_parse_int_list_accepts(value: object) -> None:
    assert parse_int_list(value, "items", "情形序号", minimum=1, maximum=7) == [1, 3]


def test_parse_int_list_single() -> None:
    assert parse_int_list("7", "items", "情形序号", minimum=1, maximum=7) == [7]


@pytest.mark.parametrize(
    "value", ["1,8", "0、1", [1, 9], "1,a", "1.5", [True], [1.0], 13, None, "", " , ", []]
)
def test_parse_int_list_refuses(value: object) -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_int_list(value, "items", "情形序号", minimum=1, maximum=7)
    refused(excinfo, "items", "情形序号")


def test_parse_int_list_out_of_range_message() -> None:
    with pytest.raises(ValidationError) as excinfo:
        parse_int_list("2、9", "items", "情形序号", minimum=1, maximum=7)
    message = excinfo.value.message
    assert "9" in message
    assert "1到7" in message


@given(st.lists(st.integers(1, 20), min_size=1), st.sampled_from([",", "，", "、", ", ", "、 "]))
def test_parse_int_list_property(numbers: list[int], sep: str) -> None:
    text = sep.join(str(n) for n in numbers)
    assert parse_int_list(text, "items", "序号", minimum=1, maximum=20) == sorted(set(numbers))
    assert parse_int_list(numbers, "items", "序号", minimum=1, maximum=20) == sorted(set(numbers))
