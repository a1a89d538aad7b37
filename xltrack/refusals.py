"""Why a file or an output could not be used, in the reader's language.

Errors carry their reason in English (their `str()` is what a log or a traceback
shows); the renderers ask `reason_in(reason, "zh")` for the same sentence in
Chinese. Each entry below is one reason's English pattern and its Chinese
template; technical details (a part name, a library's own message) pass through
as they are. A reason with no entry stays English rather than being guessed.
"""

from __future__ import annotations

import re
from functools import cache

_ZH: tuple[tuple[str, str], ...] = (
    (r"the file is empty \(0 bytes\)", "文件为空(0 字节)"),
    (r"an HTML page, not a workbook.*", "这是一个 HTML 网页,不是工作簿(请在 Excel 中另存为 .xlsx)"),
    (
        r"a text/CSV file, not a workbook.*",
        "这是一个文本/CSV 文件,不是工作簿(请在 Excel 中另存为 .xlsx)",
    ),
    (
        r"an XML spreadsheet \(Excel 2003 XML or flat OpenDocument\).*",
        "这是一个 XML 表格(Excel 2003 XML 或单文件 OpenDocument),"
        "xltrack 不读取此格式(请在 Excel 中另存为 .xlsx)",
    ),
    (
        r"an Excel 2\.x-4\.0 worksheet \(older than Excel 5\).*",
        "这是一个 Excel 2.x-4.0 工作表(早于 Excel 5),"
        "xltrack 不读取此格式(请在 Excel 中另存为 .xlsx)",
    ),
    (
        r"a Lotus 1-2-3, Quattro Pro or Works spreadsheet.*",
        "这是一个 Lotus 1-2-3、Quattro Pro 或 Works 表格,"
        "xltrack 不读取此格式(请在 Excel 中另存为 .xlsx)",
    ),
    (
        r"a Quattro Pro notebook.*",
        "这是一个 Quattro Pro 笔记本(.qpw/.wb3),xltrack 不读取此格式(请另存为 .xlsx)",
    ),
    (
        r"the workbook's text encoding \(code page (\d+)\) is one xltrack cannot read.*",
        r"工作簿的文本编码(代码页 \1)无法读取(请在 Excel 中另存为 .xlsx)",
    ),
    (r"not a workbook \(unknown binary content\)", "不是工作簿(无法识别的二进制内容)"),
    (
        r"an OLE2 document without a workbook stream.*",
        "这是一个不含工作簿的 Office 文档(.doc 或 .ppt?),不是工作簿",
    ),
    (
        r"an OpenDocument file that is not a spreadsheet.*",
        "这是一个不是表格的 OpenDocument 文件(文本或演示文稿?)",
    ),
    (r"the workbook is encrypted.*", "工作簿已加密(设有密码),请先取消密码再保存"),
    (r"corrupt or truncated zip: (.*)", r"压缩包已损坏或不完整:\1"),
    (r"cannot open: (.*)", r"无法打开:\1"),
    (r"cannot read: (.*)", r"无法读取:\1"),
    (r"cannot read the sheet: (.*)", r"无法读取工作表:\1"),
    (r"cannot read (\S+): (.*)", r"无法读取 \1:\2"),
    (r"too many parts in the zip \((.*)\)", r"压缩包内部件过多(\1)"),
    (r"(.*), not a workbook", r"\1,不是工作簿"),
    (r"part (\S+) declares a DTD/entities.*", r"部件 \1 声明了 DTD/实体(XML 实体攻击),已拒绝"),
    (r"part (\S+) is a zip bomb \(compression ratio (.*)\)", r"部件 \1 疑似压缩炸弹(压缩比 \2)"),
    (
        r"part (\S+) would inflate to (.*) bytes \(limit (.*)\)",
        r"部件 \1 解压后达 \2 字节(上限 \3)",
    ),
    (r"part (\S+) uses zip compression method (.*)", r"部件 \1 使用了不支持的压缩方式 \2"),
    (r"part (\S+) is encrypted", r"部件 \1 已加密"),
    (r"part (\S+) is missing", r"缺少部件 \1"),
    (r"part (\S+) is corrupt: (.*)", r"部件 \1 已损坏:\2"),
    (r"damaged part (\S+): (.*)", r"部件 \1 已损坏:\2"),
    (r"the \.xls file is (.*) bytes \(limit (.*)\)", r".xls 文件大小为 \1 字节(上限 \2)"),
    (r"the zip would inflate to (.*) bytes", r"压缩包解压后将达 \1 字节(疑似压缩炸弹)"),
    (r"(\S+) is not well-formed XML: (.*)", r"\1 不是格式正确的 XML:\2"),
    (r"(\S+) uses XML entity or DTD tricks.*", r"\1 使用了 XML 实体或 DTD(已拒绝)"),
    (r"(\S+) lists no sheets", r"\1 中没有工作表"),
    (r"the workbook is corrupt \((.*)\)", r"工作簿已损坏(\1)"),
    (r"not a (?:readable )?workbook package: (.*)", r"不是可读取的工作簿文件:\1"),
    (r"cannot add a sheet to this package: (.*)", r"无法在此文件中添加工作表:\1"),
    (
        r"Strict Open XML workbooks are not supported; save as \.xlsx",
        "不支持 Strict Open XML 工作簿,请另存为 .xlsx",
    ),
    (
        r"none of the five campaign tables was found.*",
        "未找到五张活动表中的任何一张(工作簿需有带关键列的任务表,或五张表中的两张,才按活动工作簿读取)",
    ),
    (r"no such file or folder", "文件或文件夹不存在"),
    (r"no file matches this pattern", "没有与此模式匹配的文件"),
    (r"cannot write: folder (.*) does not exist", r"无法写入:文件夹 \1 不存在"),
    (r"cannot write: (.*)", r"无法写入:\1"),
    (r"cannot write the workbook: (.*)", r"无法写入工作簿:\1"),
    (r"already exists \(use force / --force to overwrite\)", "文件已存在(如需覆盖请加 --force)"),
    (r"is a folder, not a file", "这是一个文件夹,不是文件"),
)


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Compiled on first use: every command imports errors.py, few say a refusal.
    return tuple(
        (re.compile(rf"^{pattern}$", re.IGNORECASE | re.DOTALL), zh) for pattern, zh in _ZH
    )


def reason_in(reason: str, lang: str) -> str:
    """`reason` in `lang` ("en" returns it as it is; an unknown reason stays English)."""
    if lang != "zh":
        return reason
    for pattern, template in _compiled():
        hit = pattern.match(reason)
        if hit:
            return hit.expand(template)
    return reason


# The reader's own short phrases inside findings: value kinds and assumptions.
_PHRASES_ZH = {
    "date": "日期",
    "date range": "日期范围",
    "percentage": "百分比",
    "number": "数值",
    "amount": "金额",
    "id": "编号",
    "text": "文本",
    "month/day/year order": "按月/日/年顺序",
    "day/month/year order, as the campaign's dates": "按日/月/年顺序,与活动日期相符",
    "day/month/year order, as elsewhere in the workbook": "按日/月/年顺序,与本工作簿其他日期一致",
    "month/day/year order, as elsewhere in the workbook": "按月/日/年顺序,与本工作簿其他日期一致",
    "end in the following year": "结束日期在次年",
    "approximate": "约数",
    "at least": "按下限",
    "a number above 2 read as a percentage": "大于2的数按百分比读取",
}
_YEAR = re.compile(r"^year (\d{4}) from the (campaign|as-of date)$")
_ROC = re.compile(r"^民國 year (\d+) read as (\d{4})$")


def phrase_in(text: str, lang: str) -> str:
    """A reader phrase ("date", "year 2024 from the campaign; at least") in `lang`."""
    if lang != "zh":
        return text
    text = re.sub(r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})", r"\1 至 \2", text)
    out = []
    for part in text.split("; "):
        hit = _YEAR.match(part)
        if hit:
            out.append(
                f"年份取{'活动' if hit.group(2) == 'campaign' else '统计日期'}"
                f"所在的 {hit.group(1)} 年"
            )
        elif roc := _ROC.match(part):
            out.append(f"民国 {roc.group(1)} 年按公元 {roc.group(2)} 年读取")
        else:
            out.append(_PHRASES_ZH.get(part, part))
    return ";".join(out)
