"""Table-driven tests for every cell parser (ids = the raw text), plus properties."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xltrack.cells import (
    is_blank,
    parse_amount,
    parse_id,
    parse_percent,
    parse_target_actual,
    parse_text,
)
from xltrack.dates import from_serial, parse_date, parse_date_range, parse_moment, slash_order
from xltrack.records import parse_column

D = dt.date
YEAR = "year 2024 from the campaign"

DATES: list[tuple[Any, D | None, str | None]] = [
    ("2024.6.1", D(2024, 6, 1), None),
    ("2024/6/1", D(2024, 6, 1), None),
    ("2024-06-01", D(2024, 6, 1), None),
    ("2024年6月1日", D(2024, 6, 1), None),
    ("２０２４．６．１", D(2024, 6, 1), None),
    ("20240601", D(2024, 6, 1), None),
    ("2024-06-01 00:00:00", D(2024, 6, 1), None),
    ("1 June 2024", D(2024, 6, 1), None),
    ("6月1日", D(2024, 6, 1), YEAR),
    ("6.1", D(2024, 6, 1), YEAR),
    ("6/1", D(2024, 6, 1), YEAR),
    ("Jun 1", D(2024, 6, 1), YEAR),
    ("6/12/2024", D(2024, 6, 12), "month/day/year order"),
    ("06/14/2024", D(2024, 6, 14), None),  # month first beyond doubt
    ("14/06/2024", D(2024, 6, 14), None),  # day first beyond doubt (UK, Hong Kong)
    ("3-Jun-24", D(2024, 6, 3), None),  # Excel's d-mmm-yy, typed as text
    ("03-Jun-2024", D(2024, 6, 3), None),
    ("民國113年6月1日", D(2024, 6, 1), None),  # Taiwan's 民國 year, named: no guess
    ("民国113年6月1日", D(2024, 6, 1), None),
    ("113/6/1", D(2024, 6, 1), "民國 year 113 read as 2024"),
    ("１１３．６．１", D(2024, 6, 1), "民國 year 113 read as 2024"),
    ("6月10日(周一)", D(2024, 6, 10), YEAR),
    ("2024.6.10 星期一", D(2024, 6, 10), None),
    ("Mon, Jun 10", D(2024, 6, 10), YEAR),
    (45444, D(2024, 6, 1), None),
    (45444.75, D(2024, 6, 1), None),
    (dt.datetime(2024, 6, 1, 15, 30), D(2024, 6, 1), None),
    (D(2024, 6, 1), D(2024, 6, 1), None),
]
BAD_DATES: list[Any] = ["6.31", "2024.13.1", "tomorrow", "T001", 12.5, True, "2024.2.30"]


@pytest.mark.parametrize(("raw", "want", "assumption"), DATES, ids=[str(d[0]) for d in DATES])
def test_cells_parse_date(raw: Any, want: D, assumption: str | None) -> None:
    got = parse_date(raw, 2024)
    assert (got.ok, got.value, got.assumption) == (True, want, assumption)


@pytest.mark.parametrize("raw", BAD_DATES, ids=[str(b) for b in BAD_DATES])
def test_cells_parse_date_failure_keeps_raw_text(raw: Any) -> None:
    got = parse_date(raw, 2024)
    assert (got.ok, got.value) == (False, None)
    assert got.raw == (str(raw) if not isinstance(raw, float) else "12.5")


def test_cells_parse_date_slashed_takes_the_order_that_fits_the_campaign() -> None:
    # 07/06/2024 is 6 July month first, 7 June day first: a June campaign settles it,
    # and says so; with no window, or both readings outside it, month first (said).
    june = (D(2024, 6, 1), D(2024, 6, 30))
    got = parse_date("07/06/2024", june)
    assert (got.value, got.assumption) == (
        D(2024, 6, 7),
        "day/month/year order, as the campaign's dates",
    )
    assert parse_date("06/07/2024", june).value == D(2024, 6, 7)  # month first fits
    march = (D(2024, 3, 1), D(2024, 3, 31))
    got = parse_date("07/06/2024", march)
    assert (got.value, got.assumption) == (D(2024, 7, 6), "month/day/year order")
    assert parse_date("07/06/2024", 2024).assumption == "month/day/year order"


def test_cells_roc_years_only_at_a_date_start() -> None:
    # Gregorian dates and yearless ranges are untouched; a 民國 range converts both ends.
    assert parse_date("2024-06-01").value == D(2024, 6, 1)
    assert parse_date("113", 2024).ok is False
    got = parse_date_range("113/6/1-113/6/30", 2024)
    assert got.value == (D(2024, 6, 1), D(2024, 6, 30))
    assert got.assumption == "民國 year 113 read as 2024"
    got = parse_date_range("民國113年6月1日～6月30日", 2024)
    assert (got.value, got.assumption) == ((D(2024, 6, 1), D(2024, 6, 30)), None)


def test_cells_parse_date_without_year_is_a_failure_not_a_guess() -> None:
    got = parse_date("6.1", None)
    assert (got.ok, got.raw) == (False, "6.1")


RANGES: list[tuple[str, tuple[D, D], str | None]] = [
    ("6.1-6.5", (D(2024, 6, 1), D(2024, 6, 5)), YEAR),
    ("6.1~6.5", (D(2024, 6, 1), D(2024, 6, 5)), YEAR),
    ("6.1～6.5", (D(2024, 6, 1), D(2024, 6, 5)), YEAR),
    ("6月1日至6月5日", (D(2024, 6, 1), D(2024, 6, 5)), YEAR),
    ("6.1-5", (D(2024, 6, 1), D(2024, 6, 5)), YEAR),
    ("2024.6.1-2024.6.30", (D(2024, 6, 1), D(2024, 6, 30)), None),
    ("2024.6.1-6.30", (D(2024, 6, 1), D(2024, 6, 30)), None),
    ("2024-06-01-2024-06-30", (D(2024, 6, 1), D(2024, 6, 30)), None),
    ("2024/6/1 - 2024/6/30", (D(2024, 6, 1), D(2024, 6, 30)), None),
    ("2024.12.25-1.5", (D(2024, 12, 25), D(2025, 1, 5)), "end in the following year"),
    ("Jun 1 to Jun 5", (D(2024, 6, 1), D(2024, 6, 5)), YEAR),
    ("2024.6.10", (D(2024, 6, 10), D(2024, 6, 10)), None),
]


@pytest.mark.parametrize(("raw", "want", "assumption"), RANGES, ids=[r[0] for r in RANGES])
def test_cells_parse_date_range(raw: str, want: tuple[D, D], assumption: str | None) -> None:
    got = parse_date_range(raw, 2024)
    assert (got.ok, got.value, got.assumption) == (True, want, assumption)


@pytest.mark.parametrize("raw", ["6.1-6.31", "soon", "6.1-later", "Q3"])
def test_cells_parse_date_range_failure(raw: str) -> None:
    got = parse_date_range(raw, 2024)
    assert (got.ok, got.value, got.raw) == (False, None, raw)


AMOUNTS: list[tuple[Any, float, str | None]] = [
    ("30万", 300_000.0, None),
    ("50万元", 500_000.0, None),
    ("1.2亿", 120_000_000.0, None),
    ("¥500,000", 500_000.0, None),
    ("￥500,000元", 500_000.0, None),
    ("1.2M", 1_200_000.0, None),
    ("5k", 5_000.0, None),
    ("5K", 5_000.0, None),
    ("100万+", 1_000_000.0, "at least"),
    ("3000人", 3_000.0, None),
    ("2800人次", 2_800.0, None),
    ("3.8萬", 38_000.0, None),
    ("NT$１５０萬", 1_500_000.0, None),  # Taiwan dollars, full-width digits
    ("NT$ 1,500,000", 1_500_000.0, None),
    ("新台幣150萬元", 1_500_000.0, None),
    ("HK$3,000", 3_000.0, None),
    ("3,000港元", 3_000.0, None),
    ("USD 3,000", 3_000.0, None),
    ("$12.5k", 12_500.0, None),
    ("15%", 0.15, None),
    ("约5万", 50_000.0, "approximate"),
    ("-3", -3.0, None),
    ("1,234.5", 1234.5, None),
    (42, 42.0, None),
    (0.5, 0.5, None),
]


@pytest.mark.parametrize(("raw", "want", "assumption"), AMOUNTS, ids=[str(a[0]) for a in AMOUNTS])
def test_cells_parse_amount(raw: Any, want: float, assumption: str | None) -> None:
    got = parse_amount(raw)
    assert got.ok and got.value == pytest.approx(want) and got.assumption == assumption


@pytest.mark.parametrize("raw", ["lots", "5万k", "1.2.3", "万", True, "30万%"])
def test_cells_parse_amount_failure(raw: Any) -> None:
    got = parse_amount(raw)
    assert (got.ok, got.value, got.raw) == (False, None, str(raw))


PERCENTS: list[tuple[Any, float, str | None]] = [
    ("117%", 1.17, None),
    ("93 %", 0.93, None),
    (1.17, 1.17, None),
    (0.93, 0.93, None),
    (0, 0.0, None),
    (60, 0.6, "a number above 2 read as a percentage"),
    ("60", 0.6, "a number above 2 read as a percentage"),
]


@pytest.mark.parametrize(("raw", "want", "assumption"), PERCENTS, ids=[str(p[0]) for p in PERCENTS])
def test_cells_parse_percent(raw: Any, want: float, assumption: str | None) -> None:
    got = parse_percent(raw)
    assert got.ok and got.value == pytest.approx(want) and got.assumption == assumption


COMBINED: list[tuple[str, tuple[str | None, float, float | None]]] = [
    ("销售额5万/实际3.8万", ("销售额", 50_000.0, 38_000.0)),
    ("销售额约5万/实际5.5万", ("销售额", 50_000.0, 55_000.0)),
    ("销售额目标5万/实际4.2万", ("销售额", 50_000.0, 42_000.0)),
    ("5万/3.8万", (None, 50_000.0, 38_000.0)),
    ("Sales target 50k / actual 38k", ("Sales", 50_000.0, 38_000.0)),
    ("新增会员 100 | 实际 80", ("新增会员", 100.0, 80.0)),
    ("銷售額5萬/實際3.8萬", ("銷售額", 50_000.0, 38_000.0)),
    ("销售额5万/实际", ("销售额", 50_000.0, None)),
]


@pytest.mark.parametrize(("raw", "want"), COMBINED, ids=[c[0] for c in COMBINED])
def test_cells_parse_target_actual(raw: str, want: tuple[str | None, float, float | None]) -> None:
    got = parse_target_actual(raw)
    assert got.ok and got.value == want


@pytest.mark.parametrize("raw", ["销售额", "a/b", "销售额5万/实际很多"])
def test_cells_parse_target_actual_failure(raw: str) -> None:
    assert not parse_target_actual(raw).ok


@pytest.mark.parametrize(
    ("raw", "want"),
    [("T001", "T001"), ("007", "007"), (12.0, "12"), (12, "12"), (" Q1 ", "Q1"), (None, None)],
    ids=["T001", "007", "12.0", "12", "spaces", "none"],
)
def test_cells_parse_id_keeps_text(raw: Any, want: str | None) -> None:
    assert parse_id(raw).value == want


@pytest.mark.parametrize("raw", ["", " ", "-", "—", "/", "N/A", "无", None])
def test_cells_blank_placeholders(raw: Any) -> None:
    assert is_blank(raw) and parse_text(raw).empty and parse_amount(raw).empty


# -- properties ---------------------------------------------------------------------

dates = st.dates(min_value=D(1960, 1, 1), max_value=D(2099, 12, 31))


@given(
    dates, st.sampled_from(["{y}.{m}.{d}", "{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日"])
)
def test_cells_property_full_dates_round_trip(day: D, shape: str) -> None:
    text = shape.format(y=day.year, m=day.month, d=day.day)
    assert parse_date(text).value == day


@given(dates)
def test_cells_property_month_day_takes_the_campaign_year(day: D) -> None:
    got = parse_date(f"{day.month}.{day.day}", day.year)
    assert got.value == day and got.assumption == f"year {day.year} from the campaign"


@given(dates)
def test_cells_property_serials_round_trip(day: D) -> None:
    serial = (day - D(1899, 12, 30)).days
    assert from_serial(serial) == day and parse_date(float(serial)).value == day


@given(dates, st.integers(min_value=0, max_value=300))
def test_cells_property_ranges_round_trip(start: D, days: int) -> None:
    end = start + dt.timedelta(days=days)
    text = f"{start.year}.{start.month}.{start.day}-{end.year}.{end.month}.{end.day}"
    assert parse_date_range(text).value == (start, end)


@given(st.integers(min_value=0, max_value=10**9))
def test_cells_property_amounts_with_separators_and_units(number: int) -> None:
    assert parse_amount(f"¥{number:,}元").value == float(number)
    assert parse_amount(f"{number / 10_000:g}万").value == pytest.approx(number, rel=1e-5)


@given(st.one_of(st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.none(), dates))
def test_cells_property_parsers_never_raise(value: Any) -> None:
    for parse in (parse_amount, parse_percent, parse_id, parse_text, parse_target_actual):
        got = parse(value)
        assert got.ok or (got.value is None and isinstance(got.raw, str))
    for parse_d in (parse_date, parse_date_range):
        got = parse_d(value, 2024)
        assert got.ok or got.value is None


cell_values = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=8),
    st.sampled_from(["-", "无", "N/A", "－", " 张三 ", "Bo"]),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    dates,
    st.datetimes(min_value=dt.datetime(1960, 1, 1), max_value=dt.datetime(2099, 1, 1)),
)


@given(
    st.lists(cell_values, max_size=12),
    st.sampled_from(["text", "id", "date", "date_range", "number", "money", "count", "percent"]),
)
def test_cells_property_parse_column_matches_the_cell_parsers(
    values: list[Any], column_type: str
) -> None:
    one = {
        "text": parse_text,
        "id": parse_id,
        "number": parse_amount,
        "money": parse_amount,
        "count": parse_amount,
        "percent": parse_percent,
    }
    got, notes = parse_column(values, column_type, 2024)
    for i, value in enumerate(values):
        if column_type in ("date", "date_range"):
            want = (parse_date if column_type == "date" else parse_date_range)(value, 2024)
        else:
            want = one[column_type](value)
        assert got[i] == want.value, (value, column_type)
        noted = dict(notes).get(i)
        assert (noted is not None) == (not want.ok or bool(want.assumption)), (value, column_type)


T = dt.datetime
MOMENTS: list[tuple[Any, D | T | None]] = [
    ("2024.6.12 14:30", T(2024, 6, 12, 14, 30)),
    ("2024-06-12T14:30:00", T(2024, 6, 12, 14, 30)),
    ("6/12/2024 2:30 pm", T(2024, 6, 12, 14, 30)),
    ("6.12 12:00 am", T(2024, 6, 12, 0, 0)),
    ("6月12日 下午3点", T(2024, 6, 12, 15, 0)),
    ("6月12日14:30", T(2024, 6, 12, 14, 30)),
    ("2024年6月12日 上午10点半", T(2024, 6, 12, 10, 30)),
    ("2024年6月12日 晚上9點15分", T(2024, 6, 12, 21, 15)),
    ("Jun 12 9:15 am", T(2024, 6, 12, 9, 15)),
    ("２０２４．６．１２　１４：３０", T(2024, 6, 12, 14, 30)),  # full width
    (45455.75, T(2024, 6, 12, 18, 0)),  # an Excel serial with its fraction of a day
    (45455.0, D(2024, 6, 12)),
    (T(2024, 6, 12, 9, 5), T(2024, 6, 12, 9, 5)),
    (T(2024, 6, 12), D(2024, 6, 12)),  # midnight is a date alone
    ("2024.6.12", D(2024, 6, 12)),
    # A time without a date, or no time at all, fails: never a silent midnight.
    ("14:30", None),
    ("2024.6.12 25:00", None),
    ("2024.6.12 下午13点", None),
    ("soon 10:00", None),
]


@pytest.mark.parametrize(("value", "want"), MOMENTS, ids=[repr(m[0]) for m in MOMENTS])
def test_cells_moment_keeps_the_time_of_day(value: Any, want: D | T | None) -> None:
    parsed = parse_moment(value, 2024)
    assert parsed.value == want and type(parsed.value) is type(want)
    assert parsed.ok is (want is not None)


def test_cells_moment_column_takes_datetimes_to_the_parser() -> None:
    values = [T(2024, 6, 12, 20, 0), D(2024, 6, 13), "", "2024.6.14 9:00"]
    parsed, notes = parse_column(values, "moment", 2024)
    assert parsed == [T(2024, 6, 12, 20, 0), D(2024, 6, 13), None, T(2024, 6, 14, 9, 0)]
    assert notes == []
    # Plain date columns still drop a time: a task's due day is a day.
    assert parse_column([T(2024, 6, 12, 20, 0)], "date")[0] == [D(2024, 6, 12)]


@pytest.mark.parametrize(
    ("cells", "order"),
    [
        (["14/06/2024", "01/06/2024"], True),
        (["06/14/2024", "06/01/2024"], False),
        (["6/14", dt.date(2024, 6, 1), None, 3.0], False),
        (["14/6 9:00"], True),
        (["01/06/2024", "05/06/2024"], None),  # nothing forces a reading
        (["14/06/2024", "06/14/2024"], None),  # the cells disagree: each is read alone
        (["2024/06/14", "1/2-1/5"], None),  # year first, or no forced reading
    ],
)
def test_cells_slash_order_is_told_by_forced_readings_only(cells: list[Any], order: Any) -> None:
    assert slash_order(cells) is order


def test_cells_slashed_dates_follow_the_workbook_order() -> None:
    assert parse_date("03/06/2024", None, True).value == D(2024, 6, 3)
    assert parse_date("03/06/2024", None, False).value == D(2024, 3, 6)
    assert parse_date("3/6", 2024, True).value == D(2024, 6, 3)
    assert parse_date("3.6", 2024, True).value == D(2024, 3, 6)  # dots are month first
    assert parse_date("14/06/2024", None, False).value == D(2024, 6, 14)  # forced either way
    span = parse_date_range("3/6-7/6", 2024, True)
    assert span.value == (D(2024, 6, 3), D(2024, 6, 7))


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1.7976931348623155e308, -5.0])
def test_cells_moment_of_no_plausible_serial_fails_cleanly(value: float) -> None:
    parsed = parse_moment(value, 2024)
    assert parsed.value is None
