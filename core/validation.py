"""Field checks shared by the CLI, the GUI and the services.

Pure Python: nothing here touches the database or the GUI. Every refusal raises
``ValidationError(field, message)``; the message is Simplified Chinese, names the field's
Chinese label and says what to fix. Each function returns the cleaned value.

Only ASCII digits count as digits: text is NFKC-normalised first (full-width ``１２３`` becomes
``123``), and other scripts' digits (which Python's ``str.isdigit`` and ``int`` would accept) are
refused as illegal characters.
"""

from __future__ import annotations

import calendar
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from core.errors import ValidationError

__all__ = [
    "CREDIT_CODE_CHARSET",
    "ID_CHECK_CHARS",
    "ID_WEIGHTS",
    "IdNumberInfo",
    "check_choice",
    "check_credit_code",
    "check_id_number",
    "check_phone",
    "credit_code_check_char",
    "id_check_char",
    "normalise_mobile",
    "optional_text",
    "parse_date",
    "parse_int",
    "parse_int_list",
    "require_text",
]

_ASCII_DIGITS = frozenset("0123456789")
_WHITESPACE = re.compile(r"\s+")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _compact(text: str) -> str:
    """NFKC-normalise and drop every whitespace character."""
    return _WHITESPACE.sub("", _nfkc(text))


def _is_ascii_digits(text: str) -> bool:
    return bool(text) and all(ch in _ASCII_DIGITS for ch in text)


def _shown(text: str, limit: int = 30) -> str:
    """The value as quoted back in a message, shortened if very long."""
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------------
# 居民身份证号码 GB 11643-1999
# ---------------------------------------------------------------------------------------------

ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)
_PROVINCE_CODES = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)


@dataclass(frozen=True)
class IdNumberInfo:
    """A checked ID number and what it says about its holder."""

    number: str
    birth_date: date
    gender: str
    warnings: list[str]


def id_check_char(body: str) -> str:
    """The MOD 11-2 check character for the first 17 digits of an ID number."""
    if len(body) != 17 or not _is_ascii_digits(body):
        raise ValueError("body must be 17 ASCII digits")
    total = sum(int(ch) * weight for ch, weight in zip(body, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def check_id_number(
    value: str, field: str = "id_number", label: str = "身份证号码", today: date | None = None
) -> IdNumberInfo:
    """Check an 18-character resident ID number; return it normalised with birth date and gender."""
    if value is None or not isinstance(value, str):
        raise ValidationError(field, f"请填写{label}")
    number = _compact(value).upper()
    if not number:
        raise ValidationError(field, f"请填写{label}")
    if len(number) != 18:
        hint = "（15位旧号码请换成18位新号码）" if len(number) == 15 else ""
        raise ValidationError(field, f"{label}应为18位，现在是{len(number)}位{hint}，请核对")
    body, last = number[:17], number[17]
    if not _is_ascii_digits(body) or not (last in _ASCII_DIGITS or last == "X"):
        bad = "".join(dict.fromkeys(ch for ch in body if ch not in _ASCII_DIGITS))
        if not (last in _ASCII_DIGITS or last == "X"):
            bad += last if last not in bad else ""
        raise ValidationError(
            field, f"{label}含有非法字符“{bad}”：前17位只能是数字，最后一位只能是数字或X，请核对"
        )
    year, month, day = int(body[6:10]), int(body[10:12]), int(body[12:14])
    birth_text = f"{body[6:10]}-{body[10:12]}-{body[12:14]}"
    try:
        birth = date(year, month, day)
    except ValueError:
        raise ValidationError(
            field, f"{label}中的出生日期（第7至14位：{birth_text}）不是有效日期，请核对号码"
        ) from None
    today = today or date.today()
    if birth < _EARLIEST_BIRTH:
        raise ValidationError(
            field, f"{label}中的出生日期（{birth_text}）早于1900-01-01，不可能是有效号码，请核对"
        )
    if birth > today:
        raise ValidationError(
            field, f"{label}中的出生日期（{birth_text}）晚于今天（{today.isoformat()}），请核对号码"
        )
    expected = id_check_char(body)
    if last != expected:
        raise ValidationError(
            field,
            f"{label}校验位错误：最后一位现在是“{last}”，按前17位计算应为“{expected}”；"
            "请逐位核对号码（常见原因是某一位数字录错）",
        )
    warnings: list[str] = []
    if body[:2] not in _PROVINCE_CODES:
        warnings.append(f"{label}前两位“{body[:2]}”不是已知的省级行政区划代码，请核对号码（不影响保存）")
    gender = "男" if int(body[16]) % 2 == 1 else "女"
    return IdNumberInfo(number=number, birth_date=birth, gender=gender, warnings=warnings)


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码 GB 32100-2015
# ---------------------------------------------------------------------------------------------

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS: tuple[int, ...] = tuple(pow(3, i, 31) for i in range(17))
_CREDIT_AUTHORITIES = frozenset("123456789ABCDEFGHNY")
_CREDIT_FORBIDDEN = frozenset("IOSVZ")


def credit_code_check_char(body: str) -> str:
    """The check character for the first 17 characters of a unified social credit code."""
    if len(body) != 17 or any(ch not in CREDIT_CODE_CHARSET for ch in body):
        raise ValueError("body must be 17 characters from CREDIT_CODE_CHARSET")
    total = sum(
        CREDIT_CODE_CHARSET.index(ch) * weight for ch, weight in zip(body, _CREDIT_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def check_credit_code(value: str, field: str = "credit_code", label: str = "统一社会信用代码") -> str:
    """Check an 18-character unified social credit code; return it normalised (upper case, no spaces)."""
    if value is None or not isinstance(value, str):
        raise ValidationError(field, f"请填写{label}")
    code = _compact(value).upper()
    if not code:
        raise ValidationError(field, f"请填写{label}")
    if len(code) != 18:
        raise ValidationError(field, f"{label}应为18位，现在是{len(code)}位，请核对")
    forbidden = "".join(dict.fromkeys(ch for ch in code if ch in _CREDIT_FORBIDDEN))
    if forbidden:
        raise ValidationError(
            field,
            f"{label}不会含有字母“{forbidden}”（代码不使用I、O、S、V、Z），"
            "请核对是否把数字1、0、5、2错录成了字母",
        )
    illegal = "".join(dict.fromkeys(ch for ch in code if ch not in CREDIT_CODE_CHARSET))
    if illegal:
        raise ValidationError(field, f"{label}含有非法字符“{illegal}”：只能是数字和大写英文字母，请核对")
    if code[0] not in _CREDIT_AUTHORITIES:
        raise ValidationError(
            field,
            f"{label}第一位（登记管理部门代码）不能是“{code[0]}”，应为1至9、A至H、N或Y，请核对",
        )
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        raise ValidationError(
            field,
            f"{label}校验位错误：最后一位现在是“{code[17]}”，按前17位计算应为“{expected}”；请逐位核对代码",
        )
    return code


# ---------------------------------------------------------------------------------------------
# 电话号码
# ---------------------------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−()]+")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE_SPLIT = re.compile(
    r"(?:\((?P<a1>0[0-9]{2,3})\)-?|(?P<a2>0[0-9]{2,3})-)(?P<num>[0-9]{7,8})(?:(?:-|转)(?P<ext>[0-9]{1,6}))?"
)
_LANDLINE_PLAIN = re.compile(r"(?P<all>0[0-9]{9,11})(?:(?:-|转)(?P<ext>[0-9]{1,6}))?")
_DASHES = re.compile(r"[‐‑‒–—―−]")


def normalise_mobile(value: str, field: str = "phone", label: str = "手机号码") -> str:
    """Check a mainland mobile number; return its 11 digits (country code and separators removed)."""
    if value is None or not isinstance(value, str):
        raise ValidationError(field, f"请填写{label}")
    digits = _PHONE_SEPARATORS.sub("", _nfkc(value))
    if not digits:
        raise ValidationError(field, f"请填写{label}")
    plus = digits.startswith("+")
    if plus:
        digits = digits[1:]
    if not _is_ascii_digits(digits):
        raise ValidationError(field, f"{label}“{_shown(value.strip())}”只能包含数字，请核对")
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    else:
        if plus:
            raise ValidationError(
                field, f"{label}只支持中国大陆手机号码（+86后跟11位数字），现在是“{_shown(value.strip())}”"
            )
    if len(digits) != 11:
        raise ValidationError(field, f"{label}应为11位数字，现在是{len(digits)}位，请核对")
    if not _MOBILE.fullmatch(digits):
        raise ValidationError(field, f"{label}“{digits}”不正确：手机号码应以13至19开头，请核对")
    return digits


def _looks_like_mobile(compact: str) -> bool:
    digits = _PHONE_SEPARATORS.sub("", compact)
    return (
        digits.startswith("+")
        or (digits.startswith("1") and len(digits) == 11)
        or (digits.startswith("86") and len(digits) == 13)
        or (digits.startswith("0086") and len(digits) == 15)
    )


def check_phone(value: str, field: str = "phone", label: str = "联系电话") -> str:
    """Check a mobile or landline number; return "13800138000" or "0951-1234567" / "0951-1234567转123"."""
    if value is None or not isinstance(value, str):
        raise ValidationError(field, f"请填写{label}")
    text = _DASHES.sub("-", _compact(value))
    if not text:
        raise ValidationError(field, f"请填写{label}")
    if _looks_like_mobile(text):
        return normalise_mobile(value, field, label)
    area: str | None = None
    number: str | None = None
    ext: str | None = None
    split = _LANDLINE_SPLIT.fullmatch(text)
    if split:
        area = split.group("a1") or split.group("a2")
        number, ext = split.group("num"), split.group("ext")
    else:
        plain = _LANDLINE_PLAIN.fullmatch(text)
        if plain:
            whole = plain.group("all")
            # 3-digit area codes are 010 and 02X; every other area code has 4 digits.
            width = 3 if whole.startswith(("01", "02")) else 4
            if 7 <= len(whole) - width <= 8:
                area, number, ext = whole[:width], whole[width:], plain.group("ext")
    if area is None or number is None:
        raise ValidationError(
            field,
            f"{label}“{_shown(value.strip())}”格式不正确：请填写11位手机号码，"
            "或带区号的固定电话（如0951-1234567，有分机写作0951-1234567转123）",
        )
    result = f"{area}-{number}"
    return f"{result}转{ext}" if ext else result


# ---------------------------------------------------------------------------------------------
# 日期
# ---------------------------------------------------------------------------------------------

_DATE_SEPARATED = re.compile(r"(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})")
_DATE_CHINESE = re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?")


def parse_date(
    value: object,
    field: str,
    label: str,
    *,
    today: date | None = None,
    allow_future: bool = False,
    not_before: tuple[date, str] | None = None,
) -> date:
    """Parse a date ("2026-03-02", "2026年3月2日", "2026/3/2", "2026.3.2" or a date) and check its order."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, f"请填写{label}")
    if isinstance(value, datetime):
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, str):
        text = _compact(value)
        match = _DATE_SEPARATED.fullmatch(text) or _DATE_CHINESE.fullmatch(text)
        if not match:
            raise ValidationError(
                field,
                f"{label}“{_shown(value.strip())}”格式不正确，请按“2026-03-02”或“2026年3月2日”填写",
            )
        year, month, day = int(match.group("y")), int(match.group("m")), int(match.group("d"))
        try:
            result = date(year, month, day)
        except ValueError:
            raise ValidationError(field, _impossible_date_message(label, year, month, day)) from None
    else:
        raise ValidationError(field, f"{label}应为日期，请按“2026-03-02”填写")
    today = today or date.today()
    if not allow_future and result > today:
        raise ValidationError(
            field, f"{label}（{result.isoformat()}）不能晚于今天（{today.isoformat()}），请核对"
        )
    if not_before is not None:
        earlier, earlier_label = not_before
        if result < earlier:
            raise ValidationError(
                field,
                f"{label}（{result.isoformat()}）不能早于{earlier_label}（{earlier.isoformat()}），请核对",
            )
    return result


def _impossible_date_message(label: str, year: int, month: int, day: int) -> str:
    shown = f"{year:04d}-{month:02d}-{day:02d}"
    if year < 1:
        return f"{label}（{shown}）不是有效日期：年份不对，请核对"
    if not 1 <= month <= 12:
        return f"{label}（{shown}）不是有效日期：月份应为1至12，请核对"
    days = calendar.monthrange(year, month)[1]
    return f"{label}（{shown}）不是有效日期：{year}年{month}月只有{days}天，请核对"


# ---------------------------------------------------------------------------------------------
# 文字、选项与整数
# ---------------------------------------------------------------------------------------------


def require_text(
    value: object, field: str, label: str, *, max_length: int = 2000, min_length: int = 1
) -> str:
    """Return the text with surrounding whitespace removed; refuse empty, non-text or over-long values."""
    if value is None:
        raise ValidationError(field, f"请填写{label}")
    if not isinstance(value, str):
        raise ValidationError(field, f"{label}应为文字，请重新填写")
    text = value.strip()
    if not text:
        raise ValidationError(field, f"请填写{label}")
    if len(text) > max_length:
        raise ValidationError(
            field, f"{label}最多{max_length}个字，现在有{len(text)}个字，请删减{len(text) - max_length}个字"
        )
    if len(text) < min_length:
        raise ValidationError(field, f"{label}至少需要{min_length}个字，现在只有{len(text)}个字，请补充")
    return text


def optional_text(value: object, field: str, label: str, *, max_length: int = 2000) -> str:
    """Like require_text, but None or blank gives ""."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    return require_text(value, field, label, max_length=max_length)


def check_choice(value: object, field: str, label: str, choices: Sequence[str]) -> str:
    """Return the value (whitespace stripped) if it is one of choices."""
    listed = "、".join(choices)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, f"请选择{label}，可选：{listed}")
    text = value.strip() if isinstance(value, str) else None
    if text is None or text not in choices:
        raise ValidationError(field, f"{label}“{_shown(str(value))}”不是可选项，请从以下选择：{listed}")
    return text


_INT_TEXT = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


def parse_int(
    value: object, field: str, label: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Parse an integer (int, whole float or digit text, full-width allowed) and check its range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(field, f"请填写{label}")
    if isinstance(value, bool):
        raise ValidationError(field, f"{label}应为整数，请填写数字")
    number: int
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(field, f"{label}应为整数，请填写数字")
        if not value.is_integer():
            raise ValidationError(field, f"{label}应为整数，不能有小数（现在是{value}），请核对")
        number = int(value)
    elif isinstance(value, str):
        text = _compact(value)
        if not _INT_TEXT.fullmatch(text):
            if re.fullmatch(r"[+-]?[0-9]*\.[0-9]+", text):
                raise ValidationError(
                    field, f"{label}应为整数，不能有小数（现在是“{_shown(value.strip())}”），请核对"
                )
            raise ValidationError(field, f"{label}“{_shown(value.strip())}”不是整数，请填写数字")
        number = int(text.split(".")[0])
    else:
        raise ValidationError(field, f"{label}应为整数，请填写数字")
    _check_range(number, field, label, minimum, maximum)
    return number


def _check_range(number: int, field: str, label: str, minimum: int | None, maximum: int | None) -> None:
    too_small = minimum is not None and number < minimum
    too_large = maximum is not None and number > maximum
    if not (too_small or too_large):
        return
    if minimum is not None and maximum is not None:
        raise ValidationError(field, f"{label}应在{minimum}到{maximum}之间，现在是{number}，请核对")
    if too_small:
        raise ValidationError(field, f"{label}不能小于{minimum}，现在是{number}，请核对")
    raise ValidationError(field, f"{label}不能大于{maximum}，现在是{number}，请核对")


_LIST_SEPARATORS = re.compile(r"[,、;；\s]+")
_SIGNED_INT = re.compile(r"[+-]?[0-9]+")


def parse_int_list(value: object, field: str, label: str, *, minimum: int, maximum: int) -> list[int]:
    """Parse "1,3" / "1，3" / "1、3" or a list of ints; return the distinct numbers sorted."""
    if value is None:
        raise ValidationError(field, f"请填写{label}")
    items: list[object]
    if isinstance(value, str):
        text = _nfkc(value).strip()
        items = [part for part in _LIST_SEPARATORS.split(text) if part]
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
    else:
        raise ValidationError(field, f"{label}应为用逗号或顿号分隔的数字，如“1、3”")
    if not items:
        raise ValidationError(field, f"请填写{label}，多个数字用逗号或顿号分隔，如“1、3”")
    numbers: set[int] = set()
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise ValidationError(field, f"{label}中的“{_shown(str(item))}”不是整数，请填写数字")
        if isinstance(item, str) and not _SIGNED_INT.fullmatch(item.strip()):
            raise ValidationError(
                field,
                f"{label}中的“{_shown(item.strip())}”不是整数；多个数字请用逗号或顿号分隔，如“1、3”",
            )
        number = int(item.strip()) if isinstance(item, str) else item
        if not minimum <= number <= maximum:
            raise ValidationError(
                field, f"{label}中的{number}超出范围：每个数字应在{minimum}到{maximum}之间，请核对"
            )
        numbers.add(number)
    return sorted(numbers)
