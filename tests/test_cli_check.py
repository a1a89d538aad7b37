"""`xltrack check` through CliRunner: exit codes, text vs JSON, broken files among good ones."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xltrack.cli import cli
from xltrack.codes import CODES

CODE_RE = re.compile(
    r"\s(" + "|".join(map(re.escape, sorted(CODES, key=len, reverse=True))) + r")\s"
)


def source_workbook(
    path: Path, *, t002: str = "滞后1天", q002: str = "已解决", members_rate: str = "93%"
) -> Path:
    """The source's own five tables (DOMAIN.md), typed the way people type them."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "活动信息"
    ws.append(["表1 活动基本信息与目标表"])
    for label, value in [
        ("活动名称", "2024年夏季新品促销"),
        ("策划案版本", "V2.0"),
        ("负责人", "*经理"),
        ("起止时间", "2024.6.1-6.30"),
        ("核心目标(量化)", "销售额提升30%,新增会员3000人"),
        ("预算总额", "50万元"),
        ("关键利益相关方(如销售、产品部门)", "销售部、产品部"),
    ]:
        ws.append([label, value])
    tasks = wb.create_sheet("任务分解")
    tasks.append(
        [
            "任务ID",
            "任务名称",
            "所属阶段",
            "负责人",
            "起止时间",
            "交付物",
            "进度状态(未开始/进行中/已完成/滞后)",
            "滞后原因(若适用)",
        ]
    )
    tasks.append(
        ["T001", "预热海报设计", "预热期", "*设计", "6.1-6.5", "3张海报终稿", "已完成", "-"]
    )
    tasks.append(
        ["T002", "KOL内容对接", "预热期", "*专员", "6.3-6.8", "2篇KOL种草稿件", t002, "KOL档期调整"]
    )
    tasks.append(
        [
            "T003",
            "线下物料准备",
            "执行期",
            "*助理",
            "6.10-6.20",
            "500份宣传单",
            "进行中",
            "印刷厂产能不足",
        ]
    )
    daily = wb.create_sheet("每日跟踪")
    daily.append(
        ["日期", "核心指标(目标/实际)", "已完成任务", "进行中任务", "滞后任务", "需协调资源"]
    )
    daily.append(
        ["2024.6.10", "销售额5万/实际4.8万", "线下场地布置完成", "线上广告投放优化", "无", "-"]
    )
    daily.append(["2024.6.11", "销售额5万/实际5.2万", "KOL首篇内容发布", "用户社群运营", "无", "-"])
    issues = wb.create_sheet("问题风险")
    issues.append(
        [
            "问题编号",
            "问题描述",
            "发现时间",
            "负责人",
            "严重程度(高/中/低)",
            "解决进度(未处理/处理中/已解决)",
            "解决方案",
        ]
    )
    issues.append(
        ["Q001", "线下活动到场率低于预期", "2024.6.14", "*经理", "中", "处理中", "扫码领礼品"]
    )
    issues.append(["Q002", "优惠券核销率仅15%", "2024.6.13", "*运营", "高", q002, "降低门槛"])
    evaluation = wb.create_sheet("效果评估")
    evaluation.append(
        ["核心指标", "目标值", "实际值", "达成率", "原因分析(成功/未达标)", "改进建议"]
    )
    evaluation.append(["销售额", "30万", "35万", "117%", "KOL种草+限时折扣", "提前3天启动"])
    evaluation.append(["新增会员", "3000", "2800", members_rate, "地推人员不足", "增加兼职"])
    wb.save(path)
    return path


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return source_workbook(tmp_path / "clean.xlsx", t002="已完成")


@pytest.fixture
def overdue(tmp_path: Path) -> Path:
    return source_workbook(tmp_path / "overdue.xlsx")


def check(runner: CliRunner, *args: str | Path) -> tuple[int, str]:
    result = runner.invoke(cli, ["check", *map(str, args)])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout


def test_cli_check_clean_workbook_exits_0(runner: CliRunner, clean: Path) -> None:
    code, out = check(runner, clean, "--as-of", "2024-06-15")
    assert code == 0, out
    assert "2024年夏季新品促销" in out and "task-overdue" not in out


def test_cli_check_overdue_task_exits_1_and_points_at_it(runner: CliRunner, overdue: Path) -> None:
    code, out = check(runner, overdue, "--as-of", "2024-06-15", "--format", "json")
    assert code == 1
    doc = json.loads(out)
    (book,) = doc["workbooks"]
    assert (book["campaign"], book["as_of"], book["error"]) == (
        "2024年夏季新品促销",
        "2024-06-15",
        None,
    )
    hits = [f for f in book["findings"] if f["code"] == "task-overdue"]
    assert [(f["sheet"], f["row"], f["column"], f["id"], f["severity"]) for f in hits] == [
        ("任务分解", 3, "E", "T002", "error")
    ]
    # a Chinese workbook speaks Chinese unless --lang says otherwise
    assert hits[0]["message"] == "任务 T002 应于 2024-06-08 完成,尚未完成(逾期 7 天)"
    assert doc["lang"] == "zh"
    code, out = check(runner, overdue, "--as-of", "2024-06-15", "--format", "json", "--lang", "en")
    (book,) = json.loads(out)["workbooks"]
    hits = [f for f in book["findings"] if f["code"] == "task-overdue"]
    assert hits[0]["message"] == "task T002 ended 2024-06-08 and is not done (7 days late)"


def test_cli_check_as_of_moves_the_verdict(runner: CliRunner, overdue: Path) -> None:
    assert check(runner, overdue, "--as-of", "2024-06-08")[0] == 0
    assert check(runner, overdue, "--as-of", "2024-06-09")[0] == 1


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 0), ("warning", 1), ("never", 0)])
def test_cli_check_fail_on_threshold(
    runner: CliRunner, tmp_path: Path, fail_on: str, expected: int
) -> None:
    # Only a warning: the written 80% for 2800/3000 (93.3%) if the reader keeps written rates,
    # and a day below target in any case (4.5 of 5: a yellow light).
    book = source_workbook(tmp_path / "warn.xlsx", t002="已完成", members_rate="80%")
    wb = openpyxl.load_workbook(book)
    wb["每日跟踪"]["B2"] = "销售额5万/实际4.2万"
    wb.save(book)
    code, out = check(runner, book, "--as-of", "2024-06-15", "--fail-on", fail_on)
    assert "daily-below-target" in out
    assert code == expected


def test_cli_check_fail_on_never_still_fails_on_errors_only_for_inputs(
    runner: CliRunner, overdue: Path, tmp_path: Path
) -> None:
    assert check(runner, overdue, "--as-of", "2024-06-15", "--fail-on", "never")[0] == 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    assert check(runner, overdue, bad, "--as-of", "2024-06-15", "--fail-on", "never")[0] == 3


def test_cli_check_text_and_json_list_the_same_findings(
    runner: CliRunner, overdue: Path, clean: Path
) -> None:
    args = (overdue, clean, "--as-of", "2024-06-15", "--fail-on", "never")
    _, text = check(runner, *args)
    _, js = check(runner, *args, "--format", "json")
    found = [f for b in json.loads(js)["workbooks"] for f in b["findings"]]
    lines = [line for line in text.splitlines() if CODE_RE.search(line)]
    assert len(found) > 3
    assert [m.group(1) for line in lines if (m := CODE_RE.search(line))] == [
        f["code"] for f in found
    ]
    for line, f in zip(lines, found, strict=True):
        place = f"{f['column'] or ''}{f['row'] or ''}"
        assert f["message"] in line and (not place or line.split()[0] == place)
        assert not f["id"] or f" {f['id']} " in line


def test_cli_check_committed_sample(runner: CliRunner) -> None:
    sample = Path(__file__).resolve().parent.parent / "samples" / "handmade" / "zh-hans-source.xlsx"
    code, out = check(runner, sample, "--as-of", "2024-06-15", "--format", "json", "--lang", "zh")
    assert code == 1
    (book,) = json.loads(out)["workbooks"]
    errors = [(f["code"], f["id"]) for f in book["findings"] if f["severity"] == "error"]
    assert ("task-overdue", "T002") in errors
    assert all(f["message"] and "?" not in f["message"] for f in book["findings"])


def test_cli_check_broken_file_among_good_ones(
    runner: CliRunner, overdue: Path, clean: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated zip")
    missing = tmp_path / "missing.xlsx"
    code, out = check(
        runner, overdue, bad, clean, missing, "--as-of", "2024-06-15", "--format", "json"
    )
    assert code == 3  # an unusable input wins over findings (1)
    books = json.loads(out)["workbooks"]
    assert [Path(b["path"]).name for b in books] == [
        "overdue.xlsx",
        "bad.xlsx",
        "clean.xlsx",
        "missing.xlsx",
    ]
    assert [b["error"] is None for b in books] == [True, False, True, False]
    for broken in (books[1], books[3]):
        assert broken["error"]["code"].startswith("file-")
        assert Path(broken["path"]).name in broken["error"]["message"]
        assert broken["findings"] == []
    assert any(f["code"] == "task-overdue" for f in books[0]["findings"])


def test_cli_check_broken_file_in_text(runner: CliRunner, clean: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    code, out = check(runner, clean, bad, "--as-of", "2024-06-15", "--lang", "en")
    assert code == 3
    assert "bad.xlsx" in out and "file-" in out and "1 cannot be used" in out


@pytest.mark.parametrize(
    "args",
    [[], ["--as-of", "15/06/2024"], ["--format", "xml"], ["--lang", "fr"], ["--fail-on", "all"]],
    ids=["no-file", "bad-date", "bad-format", "bad-lang", "bad-fail-on"],
)
def test_cli_check_usage_errors_exit_2(runner: CliRunner, clean: Path, args: list[str]) -> None:
    files = [str(clean)] if args else []
    result = runner.invoke(cli, ["check", *files, *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_cli_check_zh_messages(runner: CliRunner, overdue: Path) -> None:
    code, out = check(runner, overdue, "--as-of", "2024-06-15", "--lang", "zh")
    assert code == 1
    assert "任务 T002 应于 2024-06-08 完成,尚未完成(逾期 7 天)" in out
    assert "统计日期 2024-06-15" in out


def test_cli_check_colour_only_when_asked(runner: CliRunner, overdue: Path) -> None:
    assert "\x1b[" not in check(runner, overdue, "--as-of", "2024-06-15")[1]
    assert "\x1b[31;1m" in check(runner, overdue, "--as-of", "2024-06-15", "--color")[1]


def test_cli_check_as_of_defaults_to_today(runner: CliRunner, clean: Path) -> None:
    _, out = check(runner, clean, "--format", "json")
    assert json.loads(out)["workbooks"][0]["as_of"] == dt.date.today().isoformat()


def test_cli_check_unexpected_error_no_traceback_unless_debug(
    runner: CliRunner, clean: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(path: object, as_of: object, spec: object = None) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("xltrack.analyze.analyze_workbook", boom)  # imported when check runs
    code, out = check(runner, clean, "--as-of", "2024-06-15", "--format", "json")
    assert code == 3
    assert json.loads(out)["workbooks"][0]["error"]["code"] == "internal-error"
    result = runner.invoke(cli, ["--debug", "check", str(clean), "--as-of", "2024-06-15"])
    assert isinstance(result.exception, RuntimeError)
