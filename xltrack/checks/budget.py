"""Checks over money: budget lines and the whole budget against spend, channels' ROI.

The source's rules, with thresholds from `spec.rules`: a line spent more than 15 %
over its planned amount needs the director's approval (error); the whole spend
more than 5 % over the budget raises an alert (warning); a reminder once 90 % of
the budget is spent while more than 20 % of the campaign's days remain (warning);
a channel whose revenue / spend is below 1 is a stop-loss (warning), 3 or more
earns more budget (info). Ratios are compared rounded to 4 places, so exactly
15 % over is not over. Figures come from `money.campaign_money`, as in the summary.
"""

from __future__ import annotations

import datetime as dt

from xltrack.checks.facts import cell_location, letter, number, percent
from xltrack.findings import Finding, Location
from xltrack.frames import TableFrame
from xltrack.money import Money, campaign_money
from xltrack.spec import Spec
from xltrack.stack import Stack


def _r(value: float) -> float:
    return round(value, 4)


def check_budget(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """budget-line-over, budget-line-unplanned, budget-over, budget-near-cap."""
    rules = spec.rules
    found: list[Finding] = []
    for frames, money in zip(stack.campaigns, campaign_money(stack, spec), strict=True):
        split = frames.tables["budget_split"]
        for line in money.lines:
            at = Location(
                frames.path or None,
                split.sheet,
                line.row,
                letter(split, "spent"),
                line.category or None,
            )
            if not line.planned and line.spent is not None and line.spent > 0:
                # Spent with nothing planned: no percentage over, and still beyond the plan.
                spent = {"category": line.category, "spent": number(line.spent)}
                found.append(Finding("budget-line-unplanned", at, spent))
                continue
            if line.variance is None or _r(line.variance) <= rules.budget_line_over:
                continue
            found.append(
                Finding(
                    "budget-line-over",
                    at,
                    {
                        "category": line.category,
                        "planned": number(line.planned),
                        "spent": number(line.spent),
                        "over_pct": percent(line.variance),
                        "limit_pct": percent(rules.budget_line_over),
                    },
                )
            )
        if money.used is None:
            continue
        where = cell_location(frames, "budget")
        facts = {
            "spent": number(money.spent),
            "budget": number(money.total),
            "used_pct": percent(money.used),
        }
        if _r(money.used - 1) > rules.budget_over:
            found.append(
                Finding(
                    "budget-over",
                    where,
                    {
                        **facts,
                        "over_pct": percent(money.used - 1),
                        "limit_pct": percent(rules.budget_over),
                    },
                )
            )
        left = _days_left(frames.start_date, frames.end_date, as_of)
        if (
            left is not None
            and _r(money.used) >= rules.budget_near_cap
            and _r(left[0] / left[1]) > (rules.budget_near_cap_days_left)
        ):
            found.append(
                Finding("budget-near-cap", where, {**facts, "days_left": left[0], "days": left[1]})
            )
    return found


def _days_left(
    start: dt.date | None, end: dt.date | None, as_of: dt.date
) -> tuple[int, int] | None:
    """(days after as-of through the end, campaign days), start and end included."""
    if start is None or end is None or end < start:
        return None
    total = (end - start).days + 1
    return max(0, min(total, (end - as_of).days)), total


def check_channel_roi(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """channel-roi-low (stop-loss), channel-roi-high (add budget)."""
    rules = spec.rules
    found: list[Finding] = []
    for frames, money in zip(stack.campaigns, campaign_money(stack, spec), strict=True):
        found += _roi(frames.path, frames.tables["daily"], money, rules.roi_low, rules.roi_high)
    return found


def _roi(path: str, daily: TableFrame, money: Money, low: float, high: float) -> list[Finding]:
    out = []
    for channel in money.channels:
        if channel.roi is None or not channel.spend or channel.spend < 0:
            continue  # a negative spend is reported by daily-value-negative, not judged
        roi = _r(channel.roi)
        code = "channel-roi-low" if roi < low else "channel-roi-high" if roi >= high else None
        if code is None:
            continue
        out.append(
            Finding(
                code,
                Location(path or None, daily.sheet, channel.row, letter(daily, "channel")),
                {
                    "channel": channel.name,
                    "roi": number(roi),
                    "revenue": number(channel.actual),
                    "spend": number(channel.spend),
                    "limit": number(low if code == "channel-roi-low" else high),
                },
            )
        )
    return out


BUDGET_CHECKS = (check_budget, check_channel_roi)
