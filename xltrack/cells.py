"""Pure parsers for what people type into cells: dates, ranges, amounts, percents.

Each parser takes a cell value as an engine returns it (str, int, float, bool,
date, datetime or None) and returns a `Parsed`: a value, or a failure carrying
the raw text. A reasonable assumption (the year taken from the campaign, `100万+`
read as its lower bound) is made only when named in `Parsed.assumption`, so that
the reader can report it; nothing is guessed silently.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xltrack.excel import EXCEL_EPOCH

# Serials a date column may hold: 1954-10-03 .. 2119-01-10; other numbers are not dates.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000
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


def _fail(raw: Any) -> Parsed:
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


def _clean(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return re.sub(r"\s+", " ", text)


def is_blank(value: Any) -> bool:
    """True for an empty cell or a placeholder such as `-`, `/`, `N/A`, `无`."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return _clean(value).casefold() in _BLANKS
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


# -- dates -------------------------------------------------------------------------

_Y = r"(?P<y>\d{4})\s*[.\-/年]\s*"
_MD = r"(?P<m>\d{1,2})\s*[.\-/月]\s*(?P<d>\d{1,2})\s*[日号]?"
_FULL = re.compile(rf"^{_Y}{_MD}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?$")
_MONTH_DAY = re.compile(rf"^{_MD}$")
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_US = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$")
# "6月10日(周一)", "2024.6.10 星期一", "Mon, Jun 10": the weekday adds nothing.
_WEEKDAY = re.compile(
    r"\s*[(（]?\s*(?:周|星期|礼拜)[一二三四五六日天]\s*[)）]?\s*$"
    r"|^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+"
)
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_EN_MD = re.compile(r"^(?P<mon>[a-z]+)\.?\s*(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,?\s*(?P<y>\d{4}))?$")
# "3 Jun", "3rd June 2024", and Excel's d-mmm-yy as text: "3-Jun-24", "03-Jun-2024".
_EN_DM = re.compile(
    r"^(?P<d>\d{1,2})(?:st|nd|rd|th)?\s*(?P<sep>[-/]?)\s*(?P<mon>[a-z]+)\.?"
    r"(?:(?:,?\s*|\s*(?P=sep)\s*)(?P<y>\d{4})|\s*(?P=sep)\s*(?P<yy>\d{2}))?$"
)
# A year of the Republic of China (Taiwan: 民國113年 = 2024) at the start of a date:
# written with 民國, or three digits before a month and day ("113/6/1", "113.6.1").
_ROC = re.compile(
    r"(^|[~至到—–\-]\s*)(?:(?P<roc>民国|民國)\s*(?P<y>\d{1,3})|(?P<bare>1[0-4]\d))"
    r"(?=\s*[年./\-]\s*\d{1,2}\s*[.\-/月]\s*\d{1,2})"
)
ROC_OFFSET = 1911


def _roc_years(text: str) -> tuple[str, str | None]:
    """Text with 民國 years written as Gregorian ones, and the assumption made, if any.

    `民國113年6月1日` is 2024 beyond doubt; a bare `113/6/1` is read the same way and
    said so (the assumption names the year).
    """
    bare: list[str] = []

    def gregorian(hit: re.Match[str]) -> str:
        year = int(hit["y"] or hit["bare"])
        if hit["bare"]:
            bare.append(f"民國 year {year} read as {year + ROC_OFFSET}")
        return f"{hit[1]}{year + ROC_OFFSET}"

    converted = _ROC.sub(gregorian, text)
    return converted, "; ".join(dict.fromkeys(bare)) or None


def _make(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def from_serial(serial: float) -> dt.date | None:
    """An Excel (1900 system) serial number to a date, if it is a plausible one."""
    if not _SERIAL_MIN <= serial <= _SERIAL_MAX:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


#: The year for a date typed without one: a year, or the campaign's window (start,
#: end), in which case the date takes the year that puts it inside, or nearest to,
#: the window (a New-Year campaign's "1.3" is next January, its "12.28" this December).
YearHint = int | tuple[dt.date, dt.date] | None


def _in_window(m: int, d: int, window: tuple[dt.date, dt.date]) -> dt.date | None:
    start, end = min(window), max(window)
    best: tuple[int, dt.date] | None = None
    for y in range(start.year - 1, end.year + 2):
        made = _make(y, m, d)
        if made is None:
            continue
        distance = (
            0 if start <= made <= end else min(abs((made - start).days), abs((made - end).days))
        )
        if best is None or distance < best[0]:
            best = (distance, made)
    return best[1] if best else None


def parse_date(value: Any, year: YearHint = None, day_first: bool | None = None) -> Parsed:
    """A date as people type it.

    Args:
        value: a date/datetime, an Excel serial, or text such as `2024.6.1`,
            `2024/6/1`, `2024-06-01`, `2024年6月1日`, `20240601`, `6月1日`, `6.1`, `Jun 1`.
        year: the campaign's year, used (and reported) for dates typed without one.
        day_first: how the workbook types slashed dates (`slash_order`), None when
            it does not tell.

    Returns:
        `Parsed` holding a `datetime.date`.
    """
    if is_blank(value):
        return EMPTY
    if isinstance(value, dt.datetime):
        return Parsed(value.date(), raw=raw_text(value))
    if isinstance(value, dt.date):
        return Parsed(value, raw=raw_text(value))
    if isinstance(value, bool):
        return _fail(value)
    if isinstance(value, (int, float)):
        day = from_serial(float(value))
        return Parsed(day, raw=raw_text(value)) if day else _fail(value)
    text, roc = _roc_years(_WEEKDAY.sub("", _clean(value).casefold()).strip())
    for pattern in (_FULL, _COMPACT):
        hit = pattern.match(text)
        if hit:
            made = _make(int(hit["y"]), int(hit["m"]), int(hit["d"]))
            if made is None:
                return _fail(value)
            return Parsed(made, raw=str(value), assumption=roc)
    hit = _US.match(text)
    if hit:
        return _slashed(value, int(hit["y"]), int(hit["m"]), int(hit["d"]), year, day_first)
    month_day = _month_day(text)
    if month_day is not None:
        m, d, y = month_day
        if day_first and "/" in text and _MONTH_DAY.match(text):
            m, d = d, m  # "14/6" and so "3/6" in a workbook that types the day first
        if y is not None:
            made = _make(y, m, d)
            return Parsed(made, raw=str(value)) if made else _fail(value)
        if year is None:
            return _fail(value)
        made = _in_window(m, d, year) if isinstance(year, tuple) else _make(year, m, d)
        if made is None:
            return _fail(value)
        return Parsed(made, raw=str(value), assumption=f"year {made.year} from the campaign")
    return _fail(value)


# A time of day after a date: "2024.6.12 14:30", "6/12/2024 2:30 pm", "6月12日 下午3点",
# "2024-06-12T14:30:00". The 24 h / 48 h rules count hours, so the columns timing
# them keep it (`parse_moment`).
_TIME = re.compile(
    r"(?:(?<=[\s日号號t])|^)\s*(?P<half>上午|早上|中午|下午|晚上)?\s*(?P<h>\d{1,2})\s*"
    r"(?:[:：]\s*(?P<m>\d{2})(?:\s*[:：]\s*\d{2}(?:\.\d+)?)?"
    r"|[点點时時]\s*(?:(?P<cm>\d{1,2})\s*分?|(?P<hh>半))?)"
    r"\s*(?P<ap>[ap]\.?m\.?)?\s*$"
)


def parse_moment(value: Any, year: YearHint = None, day_first: bool | None = None) -> Parsed:
    """A date and, when one is given, its time of day (a `datetime`); else as `parse_date`.

    A time alone, or one that is no time (`25:00`), fails: never a silent midnight.
    """
    if isinstance(value, dt.datetime):
        kept = value if value.time() != dt.time() else value.date()
        return Parsed(kept, raw=raw_text(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        day = parse_date(value, year, day_first)
        if day.value is None:  # not a plausible serial (nor a finite number)
            return day
        minutes = round((float(value) % 1) * 1440)
        if not 0 < minutes < 1440:
            return day
        moment = dt.datetime.combine(day.value, dt.time()) + dt.timedelta(minutes=minutes)
        return Parsed(moment, raw=day.raw)
    if not isinstance(value, str) or is_blank(value):
        return parse_date(value, year, day_first)
    text = _clean(value).casefold()
    hit = _TIME.search(text)
    if hit is None:
        return parse_date(value, year, day_first)
    clock, day_text = _clock(hit), text[: hit.start()].strip().rstrip("t").strip()
    day = parse_date(day_text, year, day_first) if day_text else EMPTY
    if clock is None or day.value is None:
        return _fail(value)
    return Parsed(dt.datetime.combine(day.value, clock), raw=str(value), assumption=day.assumption)


def _clock(hit: re.Match[str]) -> dt.time | None:
    hour = int(hit["h"])
    minute = 30 if hit["hh"] else int(hit["m"] or hit["cm"] or 0)
    later = hit["half"] in ("下午", "晚上") or (hit["ap"] or "").startswith("p")
    if (hit["half"] or hit["ap"]) and not 1 <= hour <= 12:
        return None
    if later and hour < 12:
        hour += 12
    elif (hit["ap"] or "").startswith("a") and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _slashed(
    value: Any, y: int, first: int, second: int, year: YearHint, order: bool | None
) -> Parsed:
    """`06/03/2024`: month first as in the US, day first as in the UK, Hong Kong, Australia.

    A first number above 12 can only be a day (`14/06/2024`). When both readings are
    dates, the workbook's own order wins (`order`, from cells such as `14/06/2024`
    elsewhere), then the one inside the campaign's window (`07/06/2024` in a June
    campaign is 7 June, not 6 July); otherwise month first. Either choice is said.
    """
    us, day_first = _make(y, first, second), _make(y, second, first)
    if us is None or day_first is None or us == day_first:
        made = us or day_first
        return Parsed(made, raw=str(value)) if made else _fail(value)
    if order is not None:
        said = "day/month/year" if order else "month/day/year"
        return Parsed(
            day_first if order else us,
            raw=str(value),
            assumption=f"{said} order, as elsewhere in the workbook",
        )
    if isinstance(year, tuple):
        start, end = min(year), max(year)
        if not start <= us <= end and start <= day_first <= end:
            return Parsed(
                day_first,
                raw=str(value),
                assumption="day/month/year order, as the campaign's dates",
            )
    return Parsed(us, raw=str(value), assumption="month/day/year order")


# A slashed date's first two numbers: "14/06/2024", "6/14", "14/6 9:00".
_SLASHED = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})(?:\s*/\s*\d{2,4})?(?![\d/])")


def slash_order(values: Iterable[Any]) -> bool | None:
    """How a workbook types slashed dates: day first (True), month first (False), or None.

    Only a cell whose reading is forced tells: `14/06/2024` is day first, `06/14/2024`
    month first. None when no cell tells or the cells disagree (each is then read alone).
    """
    day_first = month_first = False
    for value in values:
        if type(value) is not str:
            continue
        hit = _SLASHED.match(value)
        if hit:
            first, second = int(hit[1]), int(hit[2])
            day_first |= 12 < first <= 31 and second <= 12
            month_first |= 12 < second <= 31 and first <= 12
    return None if day_first == month_first else day_first


def _month_day(text: str) -> tuple[int, int, int | None] | None:
    hit = _MONTH_DAY.match(text)
    if hit:
        return int(hit["m"]), int(hit["d"]), None
    for pattern in (_EN_MD, _EN_DM):
        hit = pattern.match(text)
        if hit and hit["mon"] in _MONTHS:
            year = hit["y"] or (f"20{hit['yy']}" if pattern is _EN_DM and hit["yy"] else None)
            return _MONTHS[hit["mon"]], int(hit["d"]), int(year) if year else None
    return None


_TOKEN = (
    r"(?:\d{4}\s*[.\-/年]\s*\d{1,2}\s*[.\-/月]\s*\d{1,2}\s*[日号]?"
    r"|\d{1,2}\s*[.\-/月]\s*\d{1,2}\s*[日号]?|[a-z]{3,9}\.?\s*\d{1,2})"
)
_END_TOKEN = rf"(?:{_TOKEN}|\d{{1,2}}\s*[日号]?)"
_RANGE = re.compile(rf"^(?P<a>{_TOKEN})\s*(?:-|~|至|到|—|–|－|to|until)\s*(?P<b>{_END_TOKEN})$")
_HAS_YEAR = re.compile(r"^\d{4}")


def parse_date_range(value: Any, year: YearHint = None, day_first: bool | None = None) -> Parsed:
    """A start-end range in one cell: `6.1-6.5`, `2024.6.1-6.30`, `6月1日至6月5日`.

    The end takes the start's year (and month, for `6.1-5`); a range that would
    end before it starts is read as crossing into the next year, and says so.

    Args:
        value: the cell value.
        year: the campaign's year, for ranges typed without one.

    Returns:
        `Parsed` holding (start, end) dates; a single date gives (date, date).
    """
    if is_blank(value):
        return EMPTY
    if not isinstance(value, str):
        single = parse_date(value, year, day_first)
        return Parsed((single.value, single.value), raw=single.raw) if single.value else single
    text, roc = _roc_years(_clean(value).casefold())
    hit = _RANGE.match(text)
    if not hit:
        single = parse_date(value, year, day_first)
        if single.ok and single.value is not None:
            return Parsed(
                (single.value, single.value), raw=str(value), assumption=single.assumption
            )
        return _fail(value)
    start = parse_date(hit["a"], year, day_first)
    if not start.ok or start.value is None:
        return _fail(value)
    end_text = hit["b"]
    if re.fullmatch(r"\d{1,2}\s*[日号]?", end_text):
        end_text = f"{start.value.month}.{re.sub(r'[^0-9]', '', end_text)}"
    end = parse_date(end_text, start.value.year, day_first)
    if not end.ok or end.value is None:
        return _fail(value)
    assumptions = [a for a in (roc, start.assumption) if a]
    if end.value < start.value and not _HAS_YEAR.match(end_text):
        shifted = _make(end.value.year + 1, end.value.month, end.value.day)
        if shifted is None:
            return _fail(value)
        end = Parsed(shifted)
        assumptions.append("end in the following year")
    return Parsed(
        (start.value, end.value), raw=str(value), assumption="; ".join(assumptions) or None
    )


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
        return _fail(value)
    if isinstance(value, (int, float)):
        return _sane(float(value), raw_text(value))
    text = _clean(value).casefold().replace(" ", "")
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
        return _fail(value)
    number = float(hit["num"].replace(",", "")) * _MULTIPLIERS[hit["mult"]]
    if percent:
        if hit["mult"]:
            return _fail(value)
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
        return _fail(value)
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
        return EMPTY if is_blank(value) else _fail(value)
    text = _clean(value)
    parts = _SPLIT.split(text, maxsplit=1)
    if len(parts) != 2:
        return _fail(value)
    left, right = parts
    first = _FIRST_NUMBER.search(left)
    if first is None:
        return _fail(value)
    name = left[: first.start()]
    hedge = _APPROX_END.search(name)  # "销售额约5万": the 约 is the target's, not the name's
    if hedge:
        name = name[: hedge.start()]
    metric = _TARGET_WORDS.sub("", name).strip(" :：") or None
    target = parse_amount(("约" if hedge else "") + left[first.start() :])
    actual_text = _ACTUAL_WORDS.sub("", right.strip())
    actual = parse_amount(actual_text) if actual_text else EMPTY
    if not target.ok or target.value is None or not actual.ok:
        return _fail(value)
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
