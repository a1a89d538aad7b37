"""Money of each campaign of a stack: budget lines spent against plan, and channels' ROI.

One computation serves the money checks (`checks/budget.py`) and the summary, so
that a line flagged over budget and the figure the summary shows are the same
number. Spent comes from the budget split's spent column; when no line says what
it spent, from the daily table's spend column. A channel's revenue is the daily
actual of the metrics the template names as revenue (`revenue:`, by default
sales / revenue / GMV / 销售额 / 成交额 ...), and its ROI is revenue / spend.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd

from xltrack.labels import metric_key, metric_keys
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack


@dataclass(frozen=True)
class BudgetLine:
    """One line of the budget split: planned (share x budget), spent, variance
    (spent/planned - 1)."""

    category: str
    planned: float | None
    spent: float | None
    variance: float | None
    row: int | None


@dataclass(frozen=True)
class ChannelResult:
    """One channel of the daily table: its revenue metric's target and actual, spend, ROI."""

    name: str
    target: float | None
    actual: float | None
    rate: float | None
    spend: float | None
    roi: float | None
    row: int | None  # the channel's last daily row


@dataclass
class Money:
    """A campaign's budget and spend; None where the workbook does not say."""

    total: float | None = None
    spent: float | None = None
    lines: list[BudgetLine] = field(default_factory=list)
    channels: list[ChannelResult] = field(default_factory=list)

    @property
    def remaining(self) -> float | None:
        return None if self.total is None or self.spent is None else self.total - self.spent

    @property
    def used(self) -> float | None:
        return None if not self.total or self.spent is None else self.spent / self.total


def _num(value: object) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)  # type: ignore[arg-type]  # numpy scalars and plain numbers
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def _sum(values: pd.Series) -> float | None:
    known = values.dropna()
    return float(known.sum()) if len(known) else None


def campaign_money(stack: Stack, spec: Spec) -> list[Money]:
    """Each campaign's `Money`, in stack order."""
    out = []
    for frames in stack.campaigns:
        budget = _num(frames.info.get("budget"))
        out.append(Money(total=budget))
    lines = stack.tables["budget_split"]
    if "spent" in lines:
        r: Any  # a row of a mixed frame (pandas-stubs narrows its fields to scalars)
        for r in lines.itertuples(index=False):
            if not isinstance(r.category, str) and _num(r.spent) is None:
                continue
            out[r.campaign].lines.append(
                BudgetLine(
                    str(r.category or ""),
                    _num(r.amount),
                    _num(r.spent),
                    _num(r.variance),
                    None if pd.isna(r.row) else int(r.row),
                )
            )
    for money in out:
        spent = [line.spent for line in money.lines if line.spent is not None]
        money.spent = sum(spent) if spent else None
    daily = stack.tables["daily"]
    if "spend" in daily and len(daily):
        by_campaign = daily.groupby(CAMPAIGN)["spend"].sum(min_count=1)
        for position, total in zip(by_campaign.index.tolist(), by_campaign.tolist(), strict=True):
            if out[int(position)].spent is None and not math.isnan(total):
                out[int(position)].spent = float(total)
        _channels(out, daily, spec)
    return out


def _channels(out: list[Money], daily: pd.DataFrame, spec: Spec) -> None:
    if "channel" not in daily:
        return
    named = daily[daily["channel"].map(lambda v: isinstance(v, str) and bool(v.strip()))]
    if named.empty:
        return
    revenue_keys = {metric_key(name, spec) for name in spec.revenue}
    keys = metric_keys(named["metric"].tolist(), spec)
    is_revenue = pd.Series([key in revenue_keys for key in keys], index=named.index)
    named = named.assign(_channel=named["channel"].str.strip(), _revenue=is_revenue)
    for (position, channel), rows in named.groupby([CAMPAIGN, "_channel"], sort=False):
        revenue_rows = rows[rows["_revenue"]]
        reported = revenue_rows[revenue_rows["actual"].notna()]  # targets of the days reported
        target = _sum(reported["target"]) if len(reported) else None
        actual = _sum(revenue_rows["actual"]) if len(revenue_rows) else None
        spend = _sum(rows["spend"])
        rate = actual / target if actual is not None and target else None
        roi = actual / spend if actual is not None and spend else None
        last = rows["row"].dropna()
        # a group key: Hashable to pandas-stubs
        out[int(cast(int, position))].channels.append(
            ChannelResult(
                str(channel),
                target,
                actual,
                rate,
                spend,
                roi,
                int(last.iloc[-1]) if len(last) else None,
            )
        )
