"""Pure parsers for what people type into cells: text, identifiers, amounts, percents.

Each parser takes a cell value as an engine returns it (str, int, float, bool,
date, datetime or None) and returns a `Parsed`: a value, or a failure carrying
the raw text. A reasonable assumption (the year taken from the campaign, `100万+`
read as its lower bound) is made only when named in `Parsed.assumption`, so that
the reader can report it; nothing is guessed silently. Dates and times are
parsed by `dates`, with the same `Parsed`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_BLANKS = frozenset({"", "-", "--", "—", "——", "/", "n/a", "na", "none", "null", "无", "空"})
# Placeholders as people type them, before width folding (full-width forms included).
BLANKS_AS_TYPED = _BLANKS | frozenset({"－", "－－", "／", "ｎ/ａ", "ｎａ", "―", "――", "一"})


@dataclass(frozen=True)
class Parsed:
    """The result of parsing one cell.

    Attributes:
        value: the parsed value (None for an empty cell or a failure).
        ok: False when the text could not be read.
        raw: the cell as text, for findings.
        assumption: what was assumed to read it, when anything was.
    """

    value: Any = None
    ok: bool = True
    raw: str = ""
    assumption: str | None = None

    @property
    def empty(self) -> bool:
        return self.ok and self.value is None


EMPTY = Parsed()


def failed(raw: Any) -> Parsed:
    return Parsed(None, False, raw_text(raw))


def raw_text(value: Any) -> str:
    """A cell value as the text a person would see (whole floats without `.0`)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(r"\s+", " ", text)


def is_blank(value: Any) -> bool:
    """True for an empty cell or a placeholder such as `-`, `/`, `N/A`, `无`."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return clean(value).casefold() in _BLANKS
    return False


# -- text and identifiers --------------------------------------------------------


def parse_text(value: Any) -> Parsed:
    """Any cell as text; placeholders (`-`) are empty."""
    if is_blank(value):
        return EMPTY
    return Parsed(raw_text(value).strip() if isinstance(value, str) else raw_text(value))


def parse_id(value: Any) -> Parsed:
    """An identifier stays text: `T001`, `007` (leading zeros kept), 12.0 -> `12`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return EMPTY
    return Parsed(raw_text(value).strip())


# -- numbers -----------------------------------------------------------------------

_MULTIPLIERS = {
    "": 1.0,
    "k": 1e3,
    "千": 1e3,
    "w": 1e4,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "m": 1e6,
    "mm": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "萬": 1e4,
    "億": 1e8,
    "百萬": 1e6,
    "千萬": 1e7,
    "b": 1e9,
    "bn": 1e9,
}
# Currencies before or after a figure, folded by NFKC and casefold: "NT$150萬", "HK$3,000",
# "USD 3,000", "新台幣150萬元", "3,000港元".
_CURRENCY_CODES = r"rmb|cny|usd|eur|gbp|jpy|twd|ntd|hkd|sgd|aud|cad|mop"
_CURRENCY_NAMES = (
    r"新台币|新臺幣|新台幣|台币|台幣|臺幣|港币|港幣|港元|美元|美金|人民币|人民幣|澳门币|澳門幣"
)
_CURRENCY = re.compile(
    rf"^(?:(?:nt|hk|us|s|a|c|mop|rm)\$|{_CURRENCY_CODES}|{_CURRENCY_NAMES}|[¥￥$€£])\s*"
    rf"|\s*(?:元|块|圆|圓|{_CURRENCY_CODES}|{_CURRENCY_NAMES}|yuan)$"
)
_UNIT = re.compile(
    r"\s*(?:人次|人|个|次|件|份|张|篇|单|位|条|台|家|场|天|笔|元|pcs|people|persons|users|times)$"
)
_NUMBER = re.compile(
    r"^(?P<sign>[-+]?)\s*(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)\s*(?P<mult>[a-z千万亿百十萬億]*)$"
)
_APPROX = re.compile(r"^(?:约|大约|近|approx\.?|about|~|≈)\s*")
_AT_LEAST = re.compile(r"\s*(?:\+|以上|多|余|\+以上)$")


# A unit written beside a figure: an optional multiplier then an optional base unit
# ("万元", "萬次", "千", "k", "(mn USD)", "thousand"). Only the multiplier scales.
_UNIT_WORDS = {
    "thousand": 1e3,
    "thousands": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "billion": 1e9,
    "mn": 1e6,
    "万元": 1e4,
}
_UNIT_TEXT = re.compile(
    r"^(?P<mult>十万|百万|千万|百萬|千萬|[千万萬亿億]|k|m|mm|mn|bn|thousands?|millions?|billion)?\s*"
    r"(?P<base>元|块|人次|人|次|个|件|份|单|笔|条|篇|张|位|rmb|cny|usd|eur|yuan|\$|¥|￥|"
    r"people|users|views|orders|times|pcs)?$",
    re.IGNORECASE,
)
_UNIT_HINT = re.compile(
    r"[(（\[【]\s*(?:单位|單位|unit|in)?\s*[:：]?\s*([^()（）\[\]【】]{1,12})\s*[)）\]】]\s*$",
    re.IGNORECASE,
)
_UNIT_NOTE = re.compile(r"(?:单位|單位|units?)\s*[:：]\s*([^\s,，;；)）]{1,12})", re.IGNORECASE)


def unit_scale(text: str) -> tuple[float, str] | None:
    """The multiplier and base unit a unit text means: "万元" -> (10000, "元"); "k" -> (1000, "").

    Returns None when the text is no unit xltrack knows (a plain word stays a word).
    """
    cleaned = unicodedata.normalize("NFKC", text).strip().casefold()
    hit = _UNIT_TEXT.match(cleaned)
    if not cleaned or not hit or not (hit["mult"] or hit["base"]):
        return None
    mult = (hit["mult"] or "").casefold()
    factor = _UNIT_WORDS.get(mult) or _MULTIPLIERS.get(mult, 1.0)
    return factor, hit["base"] or ""


def split_unit(name: str) -> tuple[str, str | None, float]:
    """A name with its unit in brackets: "销售额(万元)" -> ("销售额", "万元", 10000).

    A bracket that holds no unit ("Sales (online)") stays part of the name.
    """
    hit = _UNIT_HINT.search(name)
    if hit:
        scale = unit_scale(hit.group(1))
        if scale is not None:
            return name[: hit.start()].strip(), hit.group(1).strip(), scale[0]
    return name, None, 1.0


def unit_in_note(text: str) -> tuple[str, float] | None:
    """ "单位：万元" in a note or title: the unit and its multiplier."""
    hit = _UNIT_NOTE.search(unicodedata.normalize("NFKC", text))
    if hit:
        scale = unit_scale(hit.group(1))
        if scale is not None:
            return hit.group(1), scale[0]
    return None


def parse_amount(value: Any) -> Parsed:
    """A number, amount or count as people type it.

    Args:
        value: a number, or text such as `30万`, `50万元`, `1.2亿`, `¥500,000`, `1.2M`,
            `5k`, `100万+` (read as its lower bound, and said so), `3000人`, `15%`.

    Returns:
        `Parsed` holding a float.
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, (bool, dt.date, dt.datetime)):
        return failed(value)
    if isinstance(value, (int, float)):
        return _sane(float(value), raw_text(value))
    text = clean(value).casefold().replace(" ", "")
    assumptions = []
    if _APPROX.match(text):
        text = _APPROX.sub("", text)
        assumptions.append("approximate")
    if _AT_LEAST.search(text):
        text = _AT_LEAST.sub("", text)
        assumptions.append("at least")
    percent = text.endswith("%")
    if percent:
        text = text[:-1]
    for _ in range(2):  # "¥50万元", "3000人次"
        text = _UNIT.sub("", _CURRENCY.sub("", text))
    hit = _NUMBER.match(text)
    if not hit or hit["mult"] not in _MULTIPLIERS:
        return failed(value)
    number = float(hit["num"].replace(",", "")) * _MULTIPLIERS[hit["mult"]]
    if percent:
        if hit["mult"]:
            return failed(value)
        number /= 100
    if hit["sign"] == "-":
        number = -number
    return _sane(number, str(value), "; ".join(assumptions) or None)


# No campaign figure comes near this (a quadrillion); beyond it a number is a typo or
# an overflow, and sums of such numbers would reach infinity in every total.
ABSURD = 1e15


def _sane(number: float, raw: str, assumption: str | None = None) -> Parsed:
    """A parsed number, unless it is infinite, NaN or absurdly large: then unreadable."""
    if not math.isfinite(number) or abs(number) > ABSURD:
        return Parsed(None, False, raw)
    return Parsed(number, raw=raw, assumption=assumption)


def parse_percent(value: Any) -> Parsed:
    """A ratio (1.0 = 100%): `117%`, 1.17, a 0%-formatted number (0.93).

    A bare number above 2 (`60` in a share column) is read as a percentage, and
    said so.

    Args:
        value: the cell value.

    Returns:
        `Parsed` holding a float ratio.
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, str) and "%" not in value:
        parsed = parse_amount(value)
        if not parsed.ok or parsed.value is None:
            return parsed
        number, raw = float(parsed.value), str(value)
    elif isinstance(value, str):
        return parse_amount(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number, raw = float(value), raw_text(value)
    else:
        return failed(value)
    if abs(number) > 2:
        return Parsed(number / 100, raw=raw, assumption="a number above 2 read as a percentage")
    return Parsed(number, raw=raw)


_SPLIT = re.compile(r"\s*[/|｜;；]\s*")
_TARGET_WORDS = re.compile(
    r"(?:目标值|目标|目標值|目標|计划|計劃|target|goal|plan)\s*[:：=]?\s*$", re.IGNORECASE
)
_ACTUAL_WORDS = re.compile(
    r"^(?:实际完成|實際完成|实际值|實際值|实际|實際|完成|actual|result|done)\s*[:：=]?\s*",
    re.IGNORECASE,
)
_FIRST_NUMBER = re.compile(r"[-+¥￥$€£]?\d|\.\d")


_APPROX_END = re.compile(r"(?:约|大约|近|approx\.?|about|~|≈)\s*$", re.IGNORECASE)


def parse_target_actual(value: Any) -> Parsed:
    """A target and an actual in one cell: `销售额5万/实际3.8万`, `5万/3.8万`.

    Returns:
        `Parsed` holding (metric or None, target, actual) with floats (actual may be None
        for `销售额5万/实际`).
    """
    if is_blank(value) or not isinstance(value, str):
        return EMPTY if is_blank(value) else failed(value)
    text = clean(value)
    parts = _SPLIT.split(text, maxsplit=1)
    if len(parts) != 2:
        return failed(value)
    left, right = parts
    first = _FIRST_NUMBER.search(left)
    if first is None:
        return failed(value)
    name = left[: first.start()]
    hedge = _APPROX_END.search(name)  # "销售额约5万": the 约 is the target's, not the name's
    if hedge:
        name = name[: hedge.start()]
    metric = _TARGET_WORDS.sub("", name).strip(" :：") or None
    target = parse_amount(("约" if hedge else "") + left[first.start() :])
    actual_text = _ACTUAL_WORDS.sub("", right.strip())
    actual = parse_amount(actual_text) if actual_text else EMPTY
    if not target.ok or target.value is None or not actual.ok:
        return failed(value)
    notes = [p.assumption for p in (target, actual) if p.assumption]
    return Parsed(
        (metric, target.value, actual.value), raw=str(value), assumption="; ".join(notes) or None
    )


def show_value(value: Any) -> str:
    """A parsed value as a finding shows it (dates ISO, whole floats without .0)."""
    if isinstance(value, tuple):
        return " to ".join(show_value(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
