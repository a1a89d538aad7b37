"""Header text -> column key and enum text -> key, in en, zh-Hans and zh-Hant."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xltrack.labels import enum_index, fold, header_index, looks_like_title, to_simplified
from xltrack.locate import looks_like_note
from xltrack.spec import Spec

HEADERS: list[tuple[str, str, str]] = [
    ("tasks", "进度状态(未开始/进行中/已完成/滞后)", "status"),
    ("tasks", "進度狀態（未開始/進行中/已完成/滯後）", "status"),
    ("tasks", "滞后原因(若适用)", "delay_reason"),
    ("tasks", "任務ID", "task_id"),
    ("tasks", "ＴＡＳＫ　ＩＤ", "task_id"),
    ("tasks", "Task ID*", "task_id"),
    ("tasks", "task_id", "task_id"),
    ("tasks", "Due date", "end_date"),
    ("tasks", "起止时间", "period"),
    ("tasks", "序号", "task_id"),
    ("tasks", "【负责人】", "owner"),
    ("campaign", "关键利益相关方(如销售、产品部门)", "stakeholders"),
    ("campaign", "核心目标(量化)", "core_goals"),
    ("campaign", "預算總額", "budget"),
    ("campaign", "Campaign name:", "name"),
    ("daily", "核心指标(目标/实际)", "metric"),
    ("daily", "需協調資源", "resources"),
    ("issues", "嚴重程度(高/中/低)", "severity"),
    ("issues", "解決進度(未處理/處理中/已解決)", "resolution"),
    ("issues", "问题编号", "issue_id"),
    ("evaluation", "原因分析(成功/未达标)", "cause"),
    ("evaluation", "達成率", "rate"),
    ("evaluation", "Achievement rate", "rate"),
    # `#` and `%` carry meaning in a header: a number, a rate.
    ("issues", "Issue #", "issue_id"),
    ("issues", "Issue", "description"),
    ("tasks", "Task #", "task_id"),
    ("tasks", "#", "task_id"),
    ("evaluation", "% of goal", "rate"),
    ("evaluation", "Achievement %", "rate"),
    ("evaluation", "达成率(%)", "rate"),
    # By meaning words, not by a fixed list (issue 9).
    ("issues", "Found On", "found_date"),
    ("issues", "Date raised", "found_date"),
    ("issues", "Date Reported", "found_date"),
    ("issues", "登記日期", "found_date"),
    ("issues", "Resolution Status", "resolution"),
    ("issues", "處理情況", "resolution"),
    ("issues", "Action taken", "solution"),
    ("issues", "Risk level", "severity"),
    ("tasks", "Task owner", "owner"),
    ("tasks", "任务负责人", "owner"),
    ("tasks", "Planned start", "start_date"),
    ("tasks", "Due", "end_date"),
    ("tasks", "开始结束时间", "period"),
    ("tasks", "Reason for slip", "delay_reason"),
    ("daily", "Actual result", "actual"),
    ("evaluation", "Lessons learned", "improvement"),
]


@pytest.mark.parametrize(("table", "header", "key"), HEADERS, ids=[h[1] for h in HEADERS])
def test_labels_header_to_key(table: str, header: str, key: str, spec: Spec) -> None:
    hits = header_index(spec).candidates(table, header)
    assert hits and hits[0].key == key


@pytest.mark.parametrize(
    "header",
    [
        "备忘",
        "Quarter",
        "Revenue",
        "",
        "表2 任务分解与责任跟踪表",
        "City",
        "Interview notes",
        "Table 4 · Issue & risk log",
        "A very long sentence that happens to mention the task owner and date",
    ],
)
def test_labels_unknown_headers_match_nothing(header: str, spec: Spec) -> None:
    assert header_index(spec).match_any(header) == ()


def test_labels_words_are_less_sure_than_names(spec: Spec) -> None:
    index = header_index(spec)
    assert index.candidates("issues", "Found")[0].how == "label"
    assert index.candidates("issues", "发现日期")[0].how == "alias"
    guess = index.candidates("issues", "Found On")[0]
    assert guess.how == "words" and guess.score < 0.9


def test_labels_every_spec_label_and_alias_matches_its_own_column(spec: Spec) -> None:
    index = header_index(spec)
    for table in spec.tables.values():
        for col in table.columns:
            for text in (col.label.en, col.label.zh):
                assert index.match(table.key, text) == (col.key, True), (table.key, text)


ENUMS: list[tuple[str, str, str]] = [
    ("task_status", "已完成", "done"),
    ("task_status", "完成", "done"),
    ("task_status", "Done", "done"),
    ("task_status", "Completed", "done"),
    ("task_status", "已完成(提前1天)", "done"),
    ("task_status", "滞后1天", "delayed"),
    ("task_status", "滯後2天", "delayed"),
    ("task_status", "延期", "delayed"),
    ("task_status", "Delayed", "delayed"),
    ("task_status", "Delayed by 2 days", "delayed"),
    ("task_status", "進行中", "in_progress"),
    ("task_status", "WIP", "in_progress"),
    ("task_status", "未开始", "not_started"),
    ("task_status", "Not started", "not_started"),
    ("severity", "高", "high"),
    ("severity", "High", "high"),
    ("severity", "H", "high"),
    ("severity", "中", "medium"),
    ("severity", "m", "medium"),
    ("severity", "低", "low"),
    ("resolution", "已解决", "resolved"),
    ("resolution", "已解決", "resolved"),
    ("resolution", "Resolved", "resolved"),
    ("resolution", "Closed", "resolved"),
    ("resolution", "處理中", "in_progress"),
    ("resolution", "未处理", "open"),
    ("phase", "预热期", "warm_up"),
    ("phase", "預熱期", "warm_up"),
    ("phase", "Warm-up", "warm_up"),
    ("priority", "核心", "core"),
    # Traditional and Simplified forms, English variants, details (issue 9).
    ("resolution", "已結案", "resolved"),
    ("resolution", "未處理", "open"),
    ("resolution", "Fixed", "resolved"),
    ("resolution", "Cancelled", "resolved"),
    ("resolution", "Won't fix", "resolved"),
    ("resolution", "On hold", "in_progress"),
    ("task_status", "滯後", "delayed"),
    ("task_status", "延期至6.20", "delayed"),
    ("task_status", "On hold", "delayed"),
    ("task_status", "In-progress", "in_progress"),
    ("task_status", "已上线", "done"),
    ("severity", "Urgent", "high"),
    ("severity", "一般", "medium"),
]


@pytest.mark.parametrize(("enum", "raw", "key"), ENUMS, ids=[f"{e[0]}:{e[1]}" for e in ENUMS])
def test_labels_enum_value_to_key(enum: str, raw: str, key: str, spec: Spec) -> None:
    assert enum_index(spec).key(enum, raw) == key


@pytest.mark.parametrize(
    ("enum", "raw"),
    [
        ("severity", "hold"),
        ("severity", "x"),
        ("task_status", "待定"),
        ("resolution", "?"),
        ("task_status", "Cancelled"),
        ("resolution", "See notes"),
    ],
)
def test_labels_enum_unknown_is_none(enum: str, raw: str, spec: Spec) -> None:
    assert enum_index(spec).key(enum, raw) is None


def test_labels_t2s_covers_the_domain_vocabulary(spec: Spec) -> None:
    assert to_simplified("進度狀態 滯後原因 問題編號 嚴重程度 解決進度 預算總額 達成率") == (
        "进度状态 滞后原因 问题编号 严重程度 解决进度 预算总额 达成率"
    )


@given(st.text(max_size=30))
def test_labels_property_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(case=st.sampled_from(HEADERS), pad=st.sampled_from(["", " ", "　", ":", "："]))
def test_labels_property_spacing_and_colons_do_not_matter(
    case: tuple[str, str, str], pad: str, spec: Spec
) -> None:
    table, header, key = case
    hits = header_index(spec).candidates(table, f"{pad}{header}{pad}")
    assert hits and hits[0].key == key


def test_labels_yaml_booleans_do_not_leak_into_aliases(spec: Spec) -> None:
    # YAML 1.1 reads a bare `no` as False; the template quotes it.
    aliases = {a for t in spec.tables.values() for c in t.columns for a in c.aliases}
    aliases |= {a for values in spec.enums.values() for v in values for a in v.aliases}
    assert not aliases & {"True", "False", "None"}
    assert header_index(spec).match("tasks", "No") == ("task_id", False)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("表2 任务分解与责任跟踪表", True),
        ("表４：問題與風險記錄表", True),  # Traditional, full-width digit
        ("Table 4 · Issue log", True),
        ("TABLE 1 - Campaign", True),
        ("任务名称", False),
        ("Tablet sales", False),
        ("表现", False),
    ],
)
def test_labels_title_is_one_rule_in_any_script(text: str, title: bool) -> None:
    assert looks_like_title(text) is title
    assert looks_like_note(text) is title  # a lone title between tables is no record
