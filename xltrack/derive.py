"""The Python twins of the template's formula columns.

The writer uses them for the cached value of every formula it writes (so
previewers and pandas see right numbers before any recalculation); the reader
uses them to recompute derived columns from inputs instead of trusting what a
file says. LibreOffice tests prove each twin equals its formula.

All functions take and return DataFrames in the frames.py convention (enum
columns hold enum keys, dates are datetime64, numbers float64).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import numpy as np
import pandas as pd

from xltrack.spec import Rules


def _days(later: pd.Series, earlier: pd.Series | pd.Timestamp) -> pd.Series:
    return (later - earlier).dt.days.astype("float64")


#: What an enum cell holds when its text is none of the allowed values (`已結案?`, `TBD`):
#: not a value, and not blank either. Rules never count it as open or not done, and
#: the reader reports the cell (cell-not-in-list) so it is seen, never guessed.
UNKNOWN = "unknown"


def not_done(status: pd.Series) -> pd.Series:
    """Every status but done counts as not done, blank ones too; an unknown one does not."""
    return ~status.isin(("done", UNKNOWN))


def unresolved(resolution: pd.Series) -> pd.Series:
    """Every issue but a resolved one is open, a blank resolution too; an unknown one is not."""
    return ~resolution.isin(("resolved", UNKNOWN))


def overdue_mask(end: pd.Series, status: pd.Series, as_of: dt.date) -> pd.Series:
    """The overdue rule: an end date before as-of on a task that is not done."""
    return end.notna() & not_done(status) & (end < pd.Timestamp(as_of))


def derive_tasks(df: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """duration_days, days_late, overdue (a delayed task is not done)."""
    out = df.copy()
    start, end = out["start_date"], out["end_date"]
    out["duration_days"] = _days(end, start) + 1
    if as_of is None:
        out["days_late"] = np.nan
        out["overdue"] = False
        return out
    today = pd.Timestamp(as_of)
    late = (today - end).dt.days.astype("float64").clip(lower=0)
    out["days_late"] = late.where(end.notna() & not_done(out["status"]))
    out["overdue"] = overdue_mask(end, out["status"], as_of).astype(bool)
    return out


def achievement(actual: pd.Series, target: pd.Series) -> pd.Series:
    """actual / target, empty where either is missing or the target is 0."""
    ok = actual.notna() & target.notna() & target.ne(0)
    return (actual / target.where(ok)).where(ok)


def round4(values: pd.Series) -> pd.Series:
    """Round to 4 places, halves away from zero, as Excel's and LibreOffice's ROUND do."""
    scaled = values.to_numpy(dtype="float64", na_value=np.nan) * 10_000
    rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5) / 10_000
    return pd.Series(rounded, index=values.index, dtype="float64")


def deviation(ratio: pd.Series) -> pd.Series:
    """The source's deviation below target, 1 - actual/target, rounded to 4 places.

    The bands are compared on this rounded figure so that 12,600 / 14,000 (0.9 in
    binary floating point is 0.8999...) is exactly 10 % below, in Python as in the
    workbook's `ROUND(1-rate,4)`.
    """
    return round4(1 - ratio)


def light_of(rate: pd.Series, rules: Rules) -> pd.Series:
    """The source's traffic light on the deviation 1 - rate (rounded to 4 places).

    Less than 10 % below target (1 - green_at) is green; 10 % to 20 % below inclusive
    (1 - yellow_at) yellow; more than 20 % below red; no rate, no light. The Python
    twin of the daily `light` formula of campaign.yaml.
    """
    dev = deviation(rate)
    green_below, red_above = _band_edges(rules)
    lights = np.select(
        [dev < green_below, dev <= red_above, rate.notna()],
        ["green", "yellow", "red"],
        default="",
    )
    return pd.Series(lights, index=rate.index, dtype=object).replace("", None)


def _band_edges(rules: Rules) -> tuple[float, float]:
    return round(1 - rules.green_at, 4), round(1 - rules.yellow_at, 4)


#: A traffic light as a campaign health, and who follows it up (the source's words).
HEALTH = {"green": "on_track", "yellow": "at_risk", "red": "off_track"}
ESCALATE_TO = {"green": None, "yellow": "project_manager", "red": "director"}
HEALTH_ORDER = ("on_track", "at_risk", "off_track")


def health_of(pace: pd.Series, rules: Rules) -> pd.Series:
    """on_track / at_risk / off_track from the same bands as `light_of`; None without a pace."""
    return light_of(pace, rules).map(HEALTH).astype(object).where(pace.notna(), None)


def campaign_days(start: dt.date | None, end: dt.date | None) -> int | None:
    """Days of the campaign, start and end included; None without both or when reversed."""
    if start is None or end is None or end < start:
        return None
    return (end - start).days + 1


def elapsed_days(start: dt.date | None, end: dt.date | None, as_of: dt.date) -> int | None:
    """Days from the start through as-of, clamped to 0..campaign_days."""
    total = campaign_days(start, end)
    if total is None or start is None:
        return None
    return min(max((as_of - start).days + 1, 0), total)


def expected_to_date(
    target: float | None, start: dt.date | None, end: dt.date | None, as_of: dt.date
) -> float | None:
    """A target spread evenly over the campaign: target x elapsed / total days.

    The Python twin of a Dashboard pace formula such as
    `T*MAX(0,MIN(AsOf-CampaignStart+1,CampaignEnd-CampaignStart+1))/(CampaignEnd-CampaignStart+1)`.
    """
    total = campaign_days(start, end)
    elapsed = elapsed_days(start, end, as_of)
    if target is None or total is None or elapsed is None or np.isnan(target):
        return None
    return float(target) * elapsed / total


def derive_daily(df: pd.DataFrame, rules: Rules, groups: np.ndarray | None = None) -> pd.DataFrame:
    """rate, light, and cumulative target/actual per metric up to each date.

    `groups` (one int per row) keeps the sums of stacked campaigns apart.
    """
    out = df.copy()
    out["rate"] = achievement(out["actual"], out["target"])
    out["light"] = light_of(out["rate"], rules)
    # SUMIFS matches the metric case-insensitively; an empty criterion (no metric, or
    # "<=" with no date) matches no cell (LibreOffice, checked), so such a row sums to 0.
    metric = out["metric"].fillna("").astype(str).str.casefold()
    no_criterion = metric.eq("") | out["date"].isna()
    if groups is not None and len(groups) and groups.max() > 0:
        metric = pd.Series(groups.astype(str), index=metric.index) + "\x1f" + metric
    for key, source in (("cum_target", "target"), ("cum_actual", "actual")):
        cum = _cumulative_by_date(out["date"], metric, out[source])
        out[key] = cum.mask(no_criterion & out[source].notna(), 0.0)
    return out


def _cumulative_by_date(dates: pd.Series, metric: pd.Series, values: pd.Series) -> pd.Series:
    """SUMIFS(values, metric, this metric, date, "<=" & this date), for rows with a value."""
    result = np.full(len(values), np.nan)
    when_all = dates.to_numpy(dtype="datetime64[ns]")
    values_all = values.to_numpy(dtype="float64", na_value=np.nan)
    for positions in metric.groupby(metric, sort=False).indices.values():
        when, vals = when_all[positions], values_all[positions]
        order = np.argsort(when, kind="stable")
        sorted_dates = when[order]
        running = np.cumsum(np.nan_to_num(vals[order], nan=0.0))
        valid = ~np.isnat(sorted_dates)
        sorted_dates, running = sorted_dates[valid], running[valid]
        keep = ~np.isnat(when) & ~np.isnan(vals)
        if not keep.any():
            continue
        pos = np.searchsorted(sorted_dates, when[keep], side="right")
        result[positions[keep]] = np.where(pos > 0, running[np.maximum(pos - 1, 0)], 0.0)
    return pd.Series(result, index=values.index, dtype="float64")


def solution_hours(df: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Hours an issue went without a solution: to its resolved time when written, else to
    as-of while unresolved; empty when resolved with no time (or no found date)."""
    found = df["found_date"]
    resolved_at = (
        df["resolved_at"]
        if "resolved_at" in df.columns
        else pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    )
    until = resolved_at.where(resolved_at.notna(), pd.Timestamp(as_of))
    until = until.where(resolved_at.notna() | unresolved(df["resolution"]))
    # pandas-stubs cannot tell that a datetime difference holds Timedeltas
    return cast("pd.Series[pd.Timedelta]", until - found) / pd.Timedelta(hours=1)


def response_hours(df: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Hours until an issue's first response: to its first-response time when written, else
    its resolved time, else as-of while unresolved (it has not come); empty when resolved
    with neither time written (or no found date)."""
    none = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns]")
    responded = df["responded_at"] if "responded_at" in df.columns else none
    resolved_at = df["resolved_at"] if "resolved_at" in df.columns else none
    until = responded.where(responded.notna(), resolved_at)
    until = until.where(until.notna() | ~unresolved(df["resolution"]), pd.Timestamp(as_of))
    # pandas-stubs cannot tell that a datetime difference holds Timedeltas
    return cast("pd.Series[pd.Timedelta]", until - df["found_date"]) / pd.Timedelta(hours=1)


def derive_issues(df: pd.DataFrame, as_of: dt.date | None, rules: Rules) -> pd.DataFrame:
    """age_days, the 48 h solution flag and the 24 h response flag (`response_hours`)."""
    out = df.copy()
    found = out["found_date"]
    if as_of is None:
        out["age_days"] = np.nan
        out["sla_breach"] = False
        out["response_breach"] = False
        return out
    today = pd.Timestamp(as_of)
    # Whole days: a found time of day (kept for the hour rules) does not shorten the age.
    age = _days(pd.Series(today, index=out.index), found.dt.normalize())
    out["age_days"] = age.clip(lower=0).where(found.notna())
    hours = solution_hours(out, as_of)
    out["sla_breach"] = (hours > rules.issue_solution_hours).fillna(False).astype(bool)
    late = response_hours(out, as_of) > rules.issue_response_hours
    out["response_breach"] = late.fillna(False).astype(bool)
    return out


def derive_evaluation(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["rate"] = achievement(out["actual"], out["target"])
    return out


def derive_budget_split(df: pd.DataFrame, budget: float | np.ndarray | None) -> pd.DataFrame:
    """amount (planned) = share x the campaign budget (one budget, or one per row of a
    stack); remaining = planned - spent; used = spent / planned; variance = used - 1."""
    out = df.copy()
    typed = out["amount"].to_numpy(dtype="float64", copy=True)  # a planned amount typed by hand
    if budget is None:
        computed = np.full(len(out), np.nan)
    else:
        computed = out["share"].to_numpy(dtype="float64") * np.asarray(budget, dtype="float64")
    # share x budget where a share is given; a hand-made split without shares keeps its amounts.
    out["amount"] = np.where(out["share"].notna().to_numpy(), computed, typed)
    if "spent" in out:
        planned, spent = out["amount"], out["spent"]
        out["remaining"] = (planned - spent).where(planned.notna() & spent.notna())
        out["used"] = achievement(spent, planned)
        out["variance"] = out["used"] - 1
    return out
