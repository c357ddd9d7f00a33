"""Finding and masking a citizen's phone and ID numbers, in contact fields and in free text.

The one place that decides what a phone or an ID number looks like: appeals, exports and every
public page call it. Numbers are found with ``phonenumbers`` (valid numbers only, so dates,
amounts and project figures stay readable) and ``stdnum.cn.ric``, not with a hand regex.

Full-width digits (１３８…) are folded to ASCII before searching, one character for one
character, so a match's positions are also positions in the original text: the mask keeps the
citizen's own characters, spacing and punctuation and replaces only the hidden digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import Leniency, PhoneNumberFormat, PhoneNumberMatcher, PhoneNumberType
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, ValidationError

REGION = "CN"
MASK = "*"
# Service lines of companies and offices (400/800 numbers and the like) name no person: an answer
# may keep them.
_SERVICE_TYPES = {PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST, PhoneNumberType.PREMIUM_RATE,
                  PhoneNumberType.UAN}
# Only candidates for stdnum to judge: 18 characters (the last may be X) or the old 15 digits,
# optionally grouped 6-8-4 / 6-6-3 by a space or a dash, not part of a longer run.
_ID_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{6}[ -]?\d{8}[ -]?\d{3}[0-9Xx]|\d{6}[ -]?\d{6}[ -]?\d{3})(?![0-9A-Za-z])"
)


@dataclass(frozen=True)
class Found:
    """A number in a text: its span, and how many of its digits stay visible at each end."""

    start: int
    end: int
    kind: str  # "phone" or "id"
    keep_head: int
    keep_tail: int = 4


def fold(text: str) -> str:
    """Full-width digits, plus signs, brackets and spaces as ASCII; same length as ``text``."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        # A character that folds into several (⑩ -> 10) stays as it is, so positions still match.
        out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def _id_number(candidate: str) -> bool:
    """A resident ID number by stdnum's rules; one mistyped check digit still counts as one."""
    number = re.sub(r"[ -]", "", candidate).upper()
    if len(number) == 15:
        # The first generation: no century, no check digit. Written out as the 18-digit form.
        long = number[:6] + "19" + number[6:]
        number = long + ric.calc_check_digit(long + "0")
    try:
        ric.validate(number)
        return True
    except InvalidChecksum:
        try:
            ric.get_birth_date(number)
            ric.get_birth_place(number)
        except ValidationError:
            return False
        return True
    except ValidationError:
        return False


def find_numbers(text: str) -> list[Found]:
    """Every ID and personal phone number in ``text``, in order, never overlapping."""
    folded = fold(text)
    found = [Found(m.start(), m.end(), "id", keep_head=4)
             for m in _ID_CANDIDATE.finditer(folded) if _id_number(m.group())]
    taken = [(f.start, f.end) for f in found]
    for match in PhoneNumberMatcher(folded, REGION, leniency=Leniency.VALID):
        if any(match.start < end and start < match.end for start, end in taken):
            continue
        number = match.number
        if phonenumbers.number_type(number) in _SERVICE_TYPES:
            continue
        digits = _digits(match.raw_string)
        national = phonenumbers.national_significant_number(number)
        # Country code and trunk 0 as written, then the area code (or a mobile's first three) stay.
        head = len(digits) - len(national) if digits.endswith(national) else 0
        head += phonenumbers.length_of_national_destination_code(number)
        found.append(Found(match.start, match.end, "phone", keep_head=head))
    return sorted(found, key=lambda f: f.start)


def _mask_span(original: str, folded: str, found: Found) -> str:
    # An ID number's final X holds a digit's place.
    symbols = "0123456789Xx" if found.kind == "id" else "0123456789"
    total = sum(ch in symbols for ch in folded)
    keep_head, keep_tail = found.keep_head, found.keep_tail
    if total - keep_head - keep_tail < 4:
        # Too short to show both ends and still hide enough: hide all but the last four.
        keep_head = 0
    out, seen = [], 0
    for ch, plain in zip(original, folded, strict=True):
        if plain in symbols:
            hidden = keep_head <= seen < total - keep_tail
            out.append(MASK if hidden else ch)
            seen += 1
        else:
            out.append(ch)
    return "".join(out)


def mask_text(text: str) -> str:
    """``text`` with the middle digits of every phone and ID number in it replaced by ``*``.

    电话 +86 138 0013 8000 -> 电话 +86 138 **** 8000; 0571-87654321 -> 0571-****4321;
    330106198503121231 -> 3301**********1231. Everything else is left exactly as written.
    """
    if not text:
        return text or ""
    folded = fold(text)
    found = find_numbers(text)
    if not found:
        return text
    out, pos = [], 0
    for f in found:
        out.append(text[pos:f.start])
        out.append(_mask_span(text[f.start:f.end], folded[f.start:f.end], f))
        pos = f.end
    out.append(text[pos:])
    return "".join(out)


def has_numbers(text: str) -> bool:
    return bool(text) and bool(find_numbers(text))


# --- contact fields ----------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***: the family name is kept so an answer can still address the person."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + MASK * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """A contact phone field: 138****8000 (digits only, the first three and the last four shown)."""
    digits = _digits(fold(phone))
    if len(digits) < 7:
        return MASK * len(digits)
    return f"{digits[:3]}{MASK * 4}{digits[-4:]}"


def mask_id_number(number: str) -> str:
    number = fold(number).strip()
    if len(number) < 8:
        return MASK * len(number)
    return f"{number[:4]}{MASK * (len(number) - 8)}{number[-4:]}"


def normalise_phone(phone: str) -> str:
    """One key per phone however it was typed: 13800138000 for a mobile, 057187654321 for a landline.

    +86 138-0013-8000, 0086 13800138000 and １３８００１３８０００ all give 13800138000.
    """
    folded = fold(phone)
    try:
        number = phonenumbers.parse(folded, REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and phonenumbers.is_valid_number(number) and number.country_code == 86:
        return _digits(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    digits = _digits(folded)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits
