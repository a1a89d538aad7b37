"""Pure parsers for the dates and times people type into cells.

`2024.6.1`, `6.1` (the year from the campaign's window), `6.1-6.5`, `民國113年6月1日`,
`14/06/2024` (in the workbook's own day/month order), `2024-06-12 14:30`. Each
returns a `cells.Parsed`: a value, or a failure with the raw text; an assumption is
named, never silent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from xltrack.cells import EMPTY, Parsed, clean, failed, is_blank, raw_text
from xltrack.excel import EXCEL_EPOCH

# Serials a date column may hold: 1954-10-03 .. 2119-01-10; other numbers are not dates.
_SERIAL_MIN, _SERIAL_MAX = 20000, 80000

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
        return failed(value)
    if isinstance(value, (int, float)):
        day = from_serial(float(value))
        return Parsed(day, raw=raw_text(value)) if day else failed(value)
    text, roc = _roc_years(_WEEKDAY.sub("", clean(value).casefold()).strip())
    for pattern in (_FULL, _COMPACT):
        hit = pattern.match(text)
        if hit:
            made = _make(int(hit["y"]), int(hit["m"]), int(hit["d"]))
            if made is None:
                return failed(value)
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
            return Parsed(made, raw=str(value)) if made else failed(value)
        if year is None:
            return failed(value)
        made = _in_window(m, d, year) if isinstance(year, tuple) else _make(year, m, d)
        if made is None:
            return failed(value)
        return Parsed(made, raw=str(value), assumption=f"year {made.year} from the campaign")
    return failed(value)


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
    text = clean(value).casefold()
    hit = _TIME.search(text)
    if hit is None:
        return parse_date(value, year, day_first)
    clock, day_text = _clock(hit), text[: hit.start()].strip().rstrip("t").strip()
    day = parse_date(day_text, year, day_first) if day_text else EMPTY
    if clock is None or day.value is None:
        return failed(value)
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
        return Parsed(made, raw=str(value)) if made else failed(value)
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
    text, roc = _roc_years(clean(value).casefold())
    hit = _RANGE.match(text)
    if not hit:
        single = parse_date(value, year, day_first)
        if single.ok and single.value is not None:
            return Parsed(
                (single.value, single.value), raw=str(value), assumption=single.assumption
            )
        return failed(value)
    start = parse_date(hit["a"], year, day_first)
    if not start.ok or start.value is None:
        return failed(value)
    end_text = hit["b"]
    if re.fullmatch(r"\d{1,2}\s*[日号]?", end_text):
        end_text = f"{start.value.month}.{re.sub(r'[^0-9]', '', end_text)}"
    end = parse_date(end_text, start.value.year, day_first)
    if not end.ok or end.value is None:
        return failed(value)
    assumptions = [a for a in (roc, start.assumption) if a]
    if end.value < start.value and not _HAS_YEAR.match(end_text):
        shifted = _make(end.value.year + 1, end.value.month, end.value.day)
        if shifted is None:
            return failed(value)
        end = Parsed(shifted)
        assumptions.append("end in the following year")
    return Parsed(
        (start.value, end.value), raw=str(value), assumption="; ".join(assumptions) or None
    )
