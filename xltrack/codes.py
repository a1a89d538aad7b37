"""The catalogue of finding codes: severity, title and en/zh message templates.

A code is never renamed; a replaced code stays here as an alias. The docs page
`docs/checks.md` is generated from this module (`python -m xltrack.codes`).
Templates are `str.format` strings filled from a finding's `params`.
"""

from __future__ import annotations

import string
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Code:
    code: str
    severity: str  # "error" | "warning" | "info"
    title: str
    en: str
    zh: str

    def placeholders(self) -> set[str]:
        names = set()
        for template in (self.en, self.zh):
            for _, name, _, _ in string.Formatter().parse(template):
                if name:
                    names.add(name.split(".")[0].split("[")[0])
        return names


_CATALOGUE = (
    # -- cells and structure (from the reader) ---------------------------------
    Code(
        "cell-unparsed",
        "warning",
        "A value could not be read",
        'cannot read {kind} "{raw}"',
        '无法识别的{kind}:"{raw}"',
    ),
    Code(
        "cell-guessed",
        "info",
        "A value was read with an assumption",
        'read "{raw}" as {value} ({assumption})',
        '将"{raw}"识别为 {value}({assumption})',
    ),
    Code(
        "cell-not-in-list",
        "warning",
        "A value is not one of the allowed values",
        '"{raw}" is not an allowed {kind}',
        '"{raw}"不是允许的{kind}取值',
    ),
    Code(
        "sheet-missing",
        "warning",
        "A table could not be found",
        "table {table} not found",
        "未找到表格:{table}",
    ),
    Code(
        "table-unread",
        "warning",
        "A table is laid out in a way xltrack does not read",
        "table {table} not read: this row has dates across its columns (one column per "
        "date); xltrack reads one row per date, so its figures are left out",
        "未读取{table}:此行按列排列日期(每个日期一列),xltrack 只识别每个日期一行的表格,"
        "其中的数值未计入",
    ),
    Code(
        "header-missing",
        "warning",
        "A column could not be found",
        "column {column} not found in {table}",
        "{table}中未找到列:{column}",
    ),
    Code(
        "column-missing",
        "warning",
        "A column a figure needs was not found",
        "{table}: no {column} column, so {needed_for} cannot be computed (shown as unknown)",
        "{table}:未找到“{column}”列,无法计算{needed_for}(显示为未知)",
    ),
    Code(
        "header-guessed",
        "info",
        "A header was matched by its words, not by a known name",
        'read column "{header}" as {column} (by its words)',
        "将列“{header}”识别为{column}(按词义)",
    ),
    Code(
        "header-unknown",
        "info",
        "A header names no column xltrack knows",
        'column "{header}" is not one xltrack knows; its values are not read',
        "列“{header}”无法识别,其内容未读取",
    ),
    Code(
        "unit-scaled",
        "info",
        "Figures written in a unit were scaled to base units",
        "figures in {unit} read as base units (×{factor})",
        "以{unit}填写的数值已换算为基本单位(×{factor})",
    ),
    Code(
        "formula-unevaluated",
        "warning",
        "A formula could not be evaluated",
        "cannot evaluate formula {formula}: {reason}",
        "无法计算公式 {formula}:{reason}",
    ),
    Code(
        "template-version",
        "info",
        "Made by another template version",
        "made with template {template} version {version}; this reader knows {known}",
        "由模板 {template} 版本 {version} 生成;当前版本 {known}",
    ),
    Code("file-unreadable", "error", "The file cannot be read", "{reason}", "{reason}"),
    Code(
        "file-unsupported",
        "error",
        "The file is not a workbook xltrack reads",
        "{reason}",
        "{reason}",
    ),
    Code(
        "file-extension-mismatch",
        "info",
        "The file's extension does not match its content",
        "this is an {format} file named {extension}; read as what it is",
        "此文件实为 {format} 格式,扩展名却是 {extension};已按实际格式读取",
    ),
    Code(
        "file-unrecognized", "error", "None of the five tables were found", "{reason}", "{reason}"
    ),
    Code(
        "cell-far-ignored",
        "warning",
        "A value far from all the others was left out",
        "the value at {cell} lies far outside the sheet's other cells ({box}) and was not read "
        "({dropped} such cells on this sheet)",
        "{cell} 处的值远离工作表中的其他单元格({box}),未读取(本表共 {dropped} 个此类单元格)",
    ),
    Code(
        "as-of-pinned",
        "info",
        "The workbook's As-of date is another date",
        "the workbook's As-of date is pinned to {pinned}; these figures are as of {as_of} "
        "(give --as-of {pinned} to see what its Dashboard shows)",
        "工作簿的统计日期固定为 {pinned},以上结果按 {as_of} 计算"
        "(使用 --as-of {pinned} 可与仪表盘一致)",
    ),
    # -- failures of a whole command (errors.py): each exception's code ----------------
    Code("xltrack-error", "error", "xltrack failed", "{reason}", "{reason}"),
    Code("template-invalid", "error", "The template definition is invalid", "{reason}", "{reason}"),
    Code("argument-invalid", "error", "An argument is out of range", "{reason}", "{reason}"),
    Code("output-failed", "error", "The output cannot be written", "{reason}", "{reason}"),
    Code(
        "output-name", "error", "The output's name does not fit its content", "{reason}", "{reason}"
    ),
    Code(
        "input-changed", "error", "The input changed while it was worked on", "{reason}", "{reason}"
    ),
    Code("executor-failed", "error", "The batch's executor failed", "{reason}", "{reason}"),
    Code(
        "internal-error",
        "error",
        "xltrack itself failed on a file (a bug; --debug shows it)",
        "{reason}",
        "{reason}",
    ),
    # -- campaign ---------------------------------------------------------------
    Code(
        "campaign-name-missing",
        "warning",
        "The campaign has no name",
        "the campaign has no name",
        "活动名称为空",
    ),
    Code(
        "campaign-dates-missing",
        "warning",
        "The campaign has no start or end date",
        "the campaign has no {missing}",
        "活动缺少{missing}",
    ),
    Code(
        "campaign-dates-reversed",
        "error",
        "The campaign ends before it starts",
        "the campaign ends {end} before it starts {start}",
        "活动结束日期 {end} 早于开始日期 {start}",
    ),
    Code(
        "campaign-budget-missing",
        "warning",
        "The campaign has no budget",
        "the campaign has no total budget",
        "活动未填写预算总额",
    ),
    Code(
        "budget-split-mismatch",
        "warning",
        "The budget split does not add up",
        "the budget split adds up to {total_pct}, not 100%",
        "预算分配合计 {total_pct},不等于100%",
    ),
    # -- money --------------------------------------------------------------------
    Code(
        "budget-line-over",
        "error",
        "A budget line is over plan beyond the approval limit",
        "budget line {category}: spent {spent} of {planned} planned "
        "({over_pct} over, limit {limit_pct}); needs the director's approval",
        "预算项 {category}:已花费 {spent},计划 {planned}"
        "(超支 {over_pct},上限 {limit_pct}),需总监审批",
    ),
    Code(
        "budget-line-unplanned",
        "warning",
        "Money is spent on a budget line with nothing planned",
        "budget line {category}: spent {spent} with no planned amount (share empty or 0); "
        "spend beyond the plan needs the director's approval",
        "预算项 {category}:已花费 {spent},但无计划金额(占比为空或0),超出计划的支出需总监审批",
    ),
    Code(
        "budget-over",
        "warning",
        "Spend is over the total budget",
        "spent {spent} of the {budget} budget ({over_pct} over, alert above {limit_pct}); "
        "report it to the director",
        "已花费 {spent},超出预算总额 {budget}(超支 {over_pct},预警线 {limit_pct}),请报总监",
    ),
    Code(
        "budget-near-cap",
        "warning",
        "The budget is nearly spent with much of the campaign to go",
        "{used_pct} of the budget spent ({spent} of {budget}) "
        "with {days_left} of {days} days to go",
        "预算已使用 {used_pct}({spent} / {budget}),活动还剩 {days_left}/{days} 天",
    ),
    Code(
        "channel-roi-low",
        "warning",
        "A channel returns less than it costs (stop-loss)",
        "channel {channel}: ROI {roi} (revenue {revenue} / spend {spend}) "
        "is below {limit}; stop-loss",
        "渠道 {channel}:ROI {roi}(收入 {revenue} / 花费 {spend})低于 {limit},建议止损",
    ),
    Code(
        "channel-roi-high",
        "info",
        "A channel returns three times its cost or more (add budget)",
        "channel {channel}: ROI {roi} (revenue {revenue} / spend {spend}) "
        "reaches {limit}; add budget",
        "渠道 {channel}:ROI {roi}(收入 {revenue} / 花费 {spend})达到 {limit},建议追加预算",
    ),
    # -- tasks --------------------------------------------------------------------
    Code(
        "task-overdue",
        "error",
        "A task is past its end date and not done",
        "task {id} ended {end} and is not done ({days_late} days late)",
        "任务 {id} 应于 {end} 完成,尚未完成(逾期 {days_late} 天)",
    ),
    Code(
        "task-delay-reason-missing",
        "warning",
        "A delayed task gives no reason",
        "task {id} is delayed but gives no reason",
        "任务 {id} 滞后但未填写滞后原因",
    ),
    Code(
        "task-dates-reversed",
        "error",
        "A task ends before it starts",
        "task {id} ends {end} before it starts {start}",
        "任务 {id} 结束日期 {end} 早于开始日期 {start}",
    ),
    Code(
        "task-outside-campaign",
        "warning",
        "A task falls outside the campaign window",
        "task {id} ({start} to {end}) falls outside the campaign "
        "({campaign_start} to {campaign_end})",
        "任务 {id}({start} 至 {end})超出活动周期({campaign_start} 至 {campaign_end})",
    ),
    Code(
        "task-owner-missing",
        "warning",
        "A task has no owner",
        "task {id} has no owner",
        "任务 {id} 未指定负责人",
    ),
    Code(
        "task-id-duplicate",
        "error",
        "Two tasks share an ID",
        "task ID {id} is used {count} times",
        "任务ID {id} 重复出现 {count} 次",
    ),
    Code(
        "task-done-in-future",
        "warning",
        "A task is done but starts in the future",
        "task {id} is marked done but starts {start}, after {as_of}",
        "任务 {id} 标记为已完成,但开始日期 {start} 晚于统计日期 {as_of}",
    ),
    Code(
        "task-dates-missing",
        "info",
        "A task has no start or end date",
        "task {id} has no {missing}",
        "任务 {id} 缺少{missing}",
    ),
    # -- issues -------------------------------------------------------------------
    Code(
        "issue-high-unresolved",
        "error",
        "A high-severity issue is unresolved",
        "high-severity issue {id} is still {resolution}",
        "高严重度问题 {id} 仍为{resolution}",
    ),
    Code(
        "issue-solution-late",
        "warning",
        "An issue went past the 48 h solution window",
        "issue {id} found {found} went {hours} h without a solution "
        "(limit {limit} h); now {resolution}",
        "问题 {id}({found} 发现){hours} 小时未解决(时限 {limit} 小时),当前{resolution}",
    ),
    Code(
        "issue-response-late",
        "warning",
        "An issue had no first response within 24 h",
        "issue {id} found {found} had no first response within {limit} h ({hours} h)",
        "问题 {id}({found} 发现){limit} 小时内未首次响应(已 {hours} 小时)",
    ),
    Code(
        "issue-time-before-found",
        "warning",
        "An issue's response or resolution is dated before it was found",
        "issue {id}: {column} {when} is before it was found ({found}); its hours cannot be judged",
        "问题 {id}:{column} {when} 早于发现时间({found}),无法计算时长",
    ),
    Code(
        "issue-found-after-as-of",
        "warning",
        "An issue is dated after the as-of date",
        "issue {id} was found {found}, after the as-of date {as_of}",
        "问题 {id} 的发现时间 {found} 晚于统计日期 {as_of}",
    ),
    Code(
        "issue-found-date-missing",
        "warning",
        "An issue has no found date",
        "issue {id} has no found date, so its 24 h and 48 h windows cannot be judged",
        "问题 {id} 未填写发现时间,无法判断24小时响应与48小时解决时限",
    ),
    Code(
        "issue-owner-missing",
        "warning",
        "An issue has no owner",
        "issue {id} has no owner",
        "问题 {id} 未指定负责人",
    ),
    Code(
        "issue-id-duplicate",
        "error",
        "Two issues share an ID",
        "issue ID {id} is used {count} times",
        "问题编号 {id} 重复出现 {count} 次",
    ),
    # -- daily ----------------------------------------------------------------------
    Code(
        "daily-below-target",
        "warning",
        "A day is 10 % or more below target (yellow or red light)",
        "{metric} on {date}: {actual} of {target} ({rate_pct}), "
        "{light} light: {escalate_to} follows up",
        "{date} {metric}:实际 {actual} / 目标 {target}({rate_pct}),{light}灯,由{escalate_to}跟进",
    ),
    Code(
        "metric-below-target-2-weeks",
        "warning",
        "A metric is below its weekly target two calendar weeks running",
        "{metric} below its weekly target {weeks} weeks running ({first} to {last}): "
        "start the replacement plan",
        "{metric} 连续 {weeks} 周未达周目标({first} 至 {last}):启动替换方案",
    ),
    Code(
        "channel-below-target-2-weeks",
        "warning",
        "A channel is below its weekly target two calendar weeks running",
        "channel {channel}: {metric} below its weekly target {weeks} weeks running "
        "({first} to {last}): start the channel's replacement plan",
        "渠道 {channel}:{metric} 连续 {weeks} 周未达周目标({first} 至 {last}):启动该渠道替换方案",
    ),
    Code(
        "daily-below-target-streak",
        "info",
        "A metric is below target several days running",
        "{metric} below target {days} days running ({first} to {last})",
        "{metric} 连续 {days} 天未达标({first} 至 {last})",
    ),
    Code(
        "daily-duplicate-row",
        "warning",
        "A metric is entered twice for one day",
        "{metric} on {date} is entered again (first in row {first_row}); both rows count",
        "{metric} 在 {date} 重复填写(首次在第 {first_row} 行),两行都计入合计",
    ),
    Code(
        "daily-value-negative",
        "warning",
        "A daily figure is negative",
        "{metric} on {date}: {column} is negative ({value})",
        "{metric} 在 {date}:{column}为负数({value})",
    ),
    Code(
        "metric-off-pace",
        "warning",
        "A metric is behind its pace to date (error when off track)",
        "{metric} is {health}: {actual} to date against {expected} expected ({pace_pct}); "
        "{escalate_to} follows up",
        "{metric} {health}:截至目前实际 {actual} / 应达 {expected}({pace_pct}),由{escalate_to}跟进",
    ),
    Code(
        "metric-plan-short",
        "warning",
        "A metric is on pace with daily targets that fall short of its goal",
        "{metric} keeps pace with its daily targets, but at this rate it ends near {forecast}, "
        "{share_pct} of its {target} goal: the daily targets add up to less than the goal",
        "{metric} 按每日目标进度正常,但按当前速度预计结束时约 {forecast},"
        "仅为目标 {target} 的 {share_pct}:每日目标之和低于总目标",
    ),
    # -- evaluation -----------------------------------------------------------------
    Code(
        "evaluation-rate-mismatch",
        "warning",
        "A written rate disagrees with actual/target",
        "{metric}: written rate {written_pct} but actual/target is {computed_pct}",
        "{metric}:填写的达成率 {written_pct} 与实际/目标 {computed_pct} 不符",
    ),
    Code(
        "evaluation-below-target",
        "warning",
        "A metric ended below target (info while green, error when red)",
        "{metric} reached {rate_pct} of target ({actual} of {target})",
        "{metric} 达成率 {rate_pct}(实际 {actual} / 目标 {target})",
    ),
    Code(
        "goal-not-evaluated",
        "warning",
        "A goal of table 1 has no row in table 5",
        "goal {metric} has no row in the evaluation",
        "目标 {metric} 在效果评估表中没有对应行",
    ),
    Code(
        "evaluation-missing",
        "info",
        "Table 5 is missing before the campaign's end",
        "no evaluation table yet; it is filled once the campaign ends {end}",
        "尚无效果评估表;活动结束({end})后填写",
    ),
    # -- the weekly report ------------------------------------------------------
    Code(
        "week-outside-campaign",
        "warning",
        "The reported week is outside the campaign",
        "the week {week_start} – {week_end} is outside the campaign "
        "({campaign_start} – {campaign_end}): nothing to report; choose a week of the campaign",
        "报告周 {week_start} – {week_end} 不在活动期间({campaign_start} – {campaign_end})"
        "内,没有可报告的内容;请选择活动期间的一周",
    ),
)

CODES: dict[str, Code] = {c.code: c for c in _CATALOGUE}
# Params that hold spec keys, not words: messages.py shows them as the spec's labels
# in the message's language. "enum:NAME" = a key of that enum; "column:TABLE" =
# one column key of that table, or a list of them ("column:*": of the finding's
# `table` param); "table" = a table key, shown as the table's title; "needs:TABLE"
# = a column key, shown as what cannot be computed without it.
TERMS: dict[str, dict[str, str]] = {
    "column-missing": {"column": "column:*", "table": "table", "needed_for": "needs:*"},
    "header-guessed": {"column": "column:*"},
    "sheet-missing": {"table": "table"},
    "table-unread": {"table": "table"},
    "header-missing": {"table": "table", "column": "column:*"},
    "cell-not-in-list": {"kind": "enumname"},
    "cell-unparsed": {"kind": "phrase"},
    "cell-guessed": {"assumption": "phrase", "value": "phrase"},
    "campaign-dates-missing": {"missing": "column:campaign"},
    "task-dates-missing": {"missing": "column:tasks"},
    "issue-high-unresolved": {"resolution": "enum:resolution"},
    "issue-time-before-found": {"column": "column:issues"},
    "daily-value-negative": {"column": "column:daily"},
    "daily-below-target": {"light": "enum:light", "escalate_to": "enum:escalation"},
    "metric-off-pace": {"health": "enum:health", "escalate_to": "enum:escalation"},
    "issue-solution-late": {"resolution": "enum:resolution"},
}
# Codes whose checks grade each finding (a traffic light, a health): every
# severity they may carry. Every other code always has its catalogue severity.
GRADED: dict[str, tuple[str, ...]] = {
    "evaluation-below-target": ("info", "warning", "error"),
    "metric-off-pace": ("warning", "error"),
}


def severities(code: str) -> tuple[str, ...]:
    """Every severity a finding of `code` may carry."""
    return GRADED.get(code, (CODES[ALIASES.get(code, code)].severity,))


# Codes that were renamed keep working: old name -> current name.
ALIASES: dict[str, str] = {}

# Each code's title in Chinese (the summary sheet lists findings by title).
TITLES_ZH: dict[str, str] = {
    "cell-unparsed": "无法识别的值",
    "cell-guessed": "按假设识别的值",
    "cell-not-in-list": "不在允许取值中",
    "sheet-missing": "未找到表格",
    "table-unread": "表格排列方式无法识别",
    "header-missing": "未找到列",
    "column-missing": "缺少计算所需的列",
    "header-guessed": "按词义识别的表头",
    "header-unknown": "无法识别的表头",
    "unit-scaled": "按单位换算的数值",
    "formula-unevaluated": "无法计算的公式",
    "template-version": "其他模板版本生成",
    "file-unreadable": "无法读取的文件",
    "file-unsupported": "不支持的文件格式",
    "file-extension-mismatch": "扩展名与文件内容不符",
    "file-unrecognized": "未找到五张活动表",
    "cell-far-ignored": "远离数据区的值已忽略",
    "as-of-pinned": "工作簿的统计日期与本次不同",
    "xltrack-error": "xltrack 出错",
    "template-invalid": "模板定义无效",
    "argument-invalid": "参数超出范围",
    "output-failed": "无法写入输出",
    "output-name": "输出文件名与内容不符",
    "input-changed": "处理期间输入文件被修改",
    "executor-failed": "批量执行器出错",
    "internal-error": "xltrack 内部错误",
    "campaign-name-missing": "活动缺少名称",
    "campaign-dates-missing": "活动缺少起止日期",
    "campaign-dates-reversed": "活动结束早于开始",
    "campaign-budget-missing": "活动缺少预算",
    "budget-split-mismatch": "预算分配合计不等于100%",
    "budget-line-over": "预算项超支超过审批线",
    "budget-line-unplanned": "预算项无计划却有花费",
    "budget-over": "总花费超出预算",
    "budget-near-cap": "预算即将用完",
    "channel-roi-low": "渠道ROI低于1(止损)",
    "channel-roi-high": "渠道ROI达到3(追加预算)",
    "task-overdue": "任务逾期未完成",
    "task-delay-reason-missing": "滞后任务缺少原因",
    "task-dates-reversed": "任务结束早于开始",
    "task-outside-campaign": "任务超出活动周期",
    "task-owner-missing": "任务缺少负责人",
    "task-id-duplicate": "任务ID重复",
    "task-done-in-future": "已完成任务开始于未来",
    "task-dates-missing": "任务缺少日期",
    "issue-high-unresolved": "高风险问题未解决",
    "issue-solution-late": "问题超过48小时未解决",
    "issue-response-late": "问题超过24小时未响应",
    "issue-found-date-missing": "问题缺少发现时间",
    "issue-time-before-found": "问题响应或解决时间早于发现时间",
    "issue-found-after-as-of": "问题发现时间晚于统计日期",
    "issue-owner-missing": "问题缺少负责人",
    "issue-id-duplicate": "问题编号重复",
    "daily-below-target": "当日低于目标(黄灯或红灯)",
    "metric-below-target-2-weeks": "指标连续两周低于周目标",
    "channel-below-target-2-weeks": "渠道连续两周低于周目标",
    "daily-below-target-streak": "指标连续多日未达标",
    "daily-duplicate-row": "同一天重复填写指标",
    "daily-value-negative": "每日数据为负数",
    "metric-off-pace": "指标落后于进度",
    "metric-plan-short": "每日目标之和低于总目标",
    "evaluation-rate-mismatch": "填写的达成率与计算不符",
    "evaluation-below-target": "指标未达成目标",
    "goal-not-evaluated": "目标未在效果评估中出现",
    "evaluation-missing": "活动结束前尚无效果评估表",
    "week-outside-campaign": "报告周不在活动期间",
}


def title_in(code: str, lang: str) -> str:
    """A code's title in `lang` (English when no translation is written)."""
    entry = CODES[ALIASES.get(code, code)]
    return TITLES_ZH.get(entry.code, entry.title) if lang == "zh" else entry.title


def render_message(code: str, params: dict[str, Any], lang: str = "en") -> str:
    """Fill a code's template in `lang` from `params`; a missing fact shows as '?'."""
    entry = CODES[ALIASES.get(code, code)]
    template = entry.zh if lang == "zh" else entry.en
    return template.format_map(_Defaulting(params))


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "?"


def catalogue_markdown() -> str:
    """The docs page of every code, generated so it cannot drift from the code."""
    lines = [
        "# Finding codes",
        "",
        "Generated by `python -m xltrack.codes`; do not edit by hand.",
        "",
        "| code | severity | title | message (en) | message (zh) |",
        "|---|---|---|---|---|",
    ]
    for c in _CATALOGUE:
        severity = " / ".join(severities(c.code))
        lines.append(f"| `{c.code}` | {severity} | {c.title} | {c.en} | {c.zh} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(catalogue_markdown())
