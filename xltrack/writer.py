"""Generate a campaign-tracking workbook from the template: `generate_workbook()`.

One sheet per table (a Dashboard first, the Campaign form with its goals and
budget blocks, Tasks, Daily, Issues, Evaluation), a hidden Lists sheet feeding
the drop-downs, and a hidden `_xltrack` sheet stamping the template id and
version. Every formula is written with the value it computes for the data it
was written with (xltrack/derive.py), and every user text with write_string,
so a leading "=" stays text. Every sheet is written in row order, so that
above STREAM_ROWS list rows XlsxWriter's constant_memory mode can keep memory
flat however many rows stream.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from typing import Any

from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xltrack import derive
from xltrack.atomic import open_sink, write_atomic
from xltrack.content import Records, load_example, table_frame
from xltrack.dashboard import write_dashboard
from xltrack.errors import ArgumentError, OutputError, OutputNameError
from xltrack.grid import Grid
from xltrack.instructions import write_instructions
from xltrack.layout import BLOCK_COL, TITLE_ROW, Layout, campaign_layout, list_layout, sheet_names
from xltrack.spec import LANGS, LIST_SHEETS, LIST_TABLES, Lang, Spec, load_spec
from xltrack.styles import Styles
from xltrack.tables import (
    header_width,
    print_setup,
    protect_sheet,
    write_table_rows,
    write_value,
)
from xltrack.xmlnames import xml_safe

# Above this many list rows, rows stream to disk (XlsxWriter constant_memory):
# flat memory, but strings are written inline, which a few readers (Apple
# Numbers) do not support; smaller workbooks keep the shared-string table.
STREAM_ROWS = 20_000
# A list table of up to this many rows (records and blank rows) prints on one page.
ONE_PAGE_ROWS = 60
BLANK_FORM_ROWS = 30  # rows an empty long table prints
_RULE_NAMES = (
    ("GreenAt", "green_at"),
    ("YellowAt", "yellow_at"),
    ("SolutionHours", "issue_solution_hours"),
    ("ResponseHours", "issue_response_hours"),
)
# Live pace names beside the rules: a target spread over the campaign is due
# `T*ElapsedDays/CampaignDays` by AsOf (the Python twins: derive.campaign_days,
# derive.elapsed_days and derive.expected_to_date).
_PACE_NAMES = (
    (
        "CampaignDays",
        (
            "=IF(AND(ISNUMBER(CampaignStart),ISNUMBER(CampaignEnd)),"
            'IF(CampaignEnd>=CampaignStart,CampaignEnd-CampaignStart+1,""),"")'
        ),
    ),
    (
        "ElapsedDays",
        ('=IF(ISNUMBER(CampaignDays),MAX(0,MIN(AsOf-CampaignStart+1,CampaignDays)),"")'),
    ),
)


def generate_workbook(
    path: str | os.PathLike[str],
    *,
    lang: str = "en",
    spec: Spec | None = None,
    template: str | os.PathLike[str] | None = None,
    name: str | None = None,
    owner: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    budget: float | None = None,
    rows: int = 50,
    example: bool = False,
    force: bool = False,
    as_of: dt.date | None = None,
    protect: bool = True,
    data: Mapping[str, Any] | None = None,
) -> Path:
    """Write a formatted campaign-tracking workbook.

    Args:
        path: the .xlsx file to write.
        lang: "en" or "zh": headers, sheet names, drop-down values.
        spec: a loaded template; `template` (a YAML file) or the built-in one when None.
        template: a team's template file, loaded with `load_spec`.
        name, owner, start, end, budget: campaign form fields (override the example's).
        rows: rows laid out in each list table (at least as many as there are records).
        example: fill every table with the source's example campaign.
        force: overwrite an existing file.
        as_of: pin the Dashboard's as-of date; None writes `=TODAY()` (with `example`,
            the example's own date, 2024-06-15).
        protect: protect sheets (no password) so only input cells can be edited.
        data: records to write instead of the example: {"campaign": {field: value},
            "tasks": [ {column_key: value} ] or a DataFrame, ...}; enum columns hold keys.

    Returns:
        The path written.

    Raises:
        OutputError: the file exists (without `force`), cannot be written, or is
            read-only or hard-linked (see `atomic.write_atomic`).
        OutputNameError: the name does not end in .xlsx.
        SpecError: the template is invalid or cannot lay out a workbook.
        ArgumentError: `lang` or `rows` is out of range (also a ValueError).
    """
    if lang not in LANGS:
        raise ArgumentError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    if rows < 1:
        raise ArgumentError("rows must be at least 1")
    spec = spec if spec is not None else load_spec(Path(template) if template else None)
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise OutputNameError(
            str(target),
            f"xltrack writes an .xlsx workbook; name it .xlsx, not {target.suffix or 'nothing'}",
        )
    if target.is_dir():
        raise OutputError(str(target), "is a folder, not a file")
    if target.exists() and not force:
        raise OutputError(str(target), "already exists (use force / --force to overwrite)")
    if not target.parent.is_dir():
        raise OutputError(str(target), f"folder {target.parent} does not exist")
    language: Lang = "zh" if lang == "zh" else "en"
    content: dict[str, Any] = load_example(spec, language) if example else {}
    content.update(data or {})
    # The example carries its own date so its cached values are stable.
    example_day = content.pop("as_of", None)
    if as_of is None and isinstance(example_day, dt.date):
        as_of = example_day
    info = dict(content.get("campaign") or {})
    for key, value in (
        ("name", name),
        ("owner", owner),
        ("start_date", start),
        ("end_date", end),
        ("budget", budget),
    ):
        if value is not None:
            info[key] = value

    def write(tmp: Path) -> None:
        try:
            with open_sink(tmp) as sink:
                _write_into(sink, spec, language, info, content, rows, as_of, protect)
        except XlsxWriterException as exc:
            raise OutputError(str(target), f"cannot write: {exc}") from exc

    write_atomic(target, write)
    return target


def streams(content: Mapping[str, Any], rows: int) -> bool:
    """Whether a workbook with this content is written in constant_memory mode."""
    sizes = [content.get(key) for key in LIST_SHEETS]
    total = sum(max(rows, 0 if size is None else len(size)) for size in sizes)
    return total > STREAM_ROWS


def _write_into(
    sink: Any,
    spec: Spec,
    lang: Lang,
    info: dict[str, Any],
    content: dict[str, Records],
    rows: int,
    as_of: dt.date | None,
    protect: bool,
) -> None:
    workbook = Workbook(
        sink,
        {
            "constant_memory": streams(content, rows),
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    try:
        _fill(workbook, spec, lang, info, content, rows, as_of, protect)
    except BaseException:
        _discard(workbook)
        raise
    workbook.close()


def _discard(workbook: Workbook) -> None:
    """Drop a half-written workbook: its row temp files, and the close() it will never get."""
    for ws in workbook.worksheets():
        if ws.constant_memory and ws.row_data_filename:
            ws._opt_close()
            Path(ws.row_data_filename).unlink(missing_ok=True)
    workbook.fileclosed = True


def _fill(
    workbook: Workbook,
    spec: Spec,
    lang: Lang,
    info: dict[str, Any],
    content: dict[str, Records],
    rows: int,
    as_of: dt.date | None,
    protect: bool,
) -> None:
    styles = Styles(workbook)
    layout = Layout(spec, lang, sheet_names(spec, lang))
    today = as_of or dt.date.today()
    frames = {key: table_frame(spec, spec.table(key), content.get(key)) for key in LIST_TABLES}
    campaign_layout(spec, layout, len(frames["goals"]), len(frames["budget_split"]))
    for key in LIST_SHEETS:
        list_layout(spec, layout, key, max(rows, len(frames[key])))
    sheets = {key: workbook.add_worksheet(name) for key, name in layout.sheets.items()}
    budget = _number(info.get("budget"))
    derived = {
        "goals": frames["goals"],
        "budget_split": derive.derive_budget_split(frames["budget_split"], budget),
        "tasks": derive.derive_tasks(frames["tasks"], today),
        "daily": derive.derive_daily(frames["daily"], spec.rules),
        "issues": derive.derive_issues(frames["issues"], today, spec.rules),
        "evaluation": derive.derive_evaluation(frames["evaluation"]),
    }
    _write_lists(sheets["lists"], styles, layout, info, today)
    _write_campaign(sheets["campaign"], styles, layout, info, derived)
    for key in LIST_SHEETS:
        ws = sheets[key]
        table = spec.table(key)
        placed = layout.tables[key]
        ws.write_string(TITLE_ROW, 0, table.title(lang), styles.cell("title"))
        for col in table.laid_out:
            fmt = styles.value(col.type, unlocked=col.is_input)
            width = header_width(col.label(lang), col.width or 12)
            ws.set_column(placed.cols[col.key], placed.cols[col.key], width, fmt)
        ws.set_row(placed.header_row, 30)  # two lines of header (rows flush in order)
        write_table_rows(ws, styles, layout, table, placed, derived[key], len(frames[key]))
        ws.freeze_panes(placed.first_row, 0)
        _print_list(ws, placed, len(frames[key]))
    write_dashboard(sheets["dashboard"], styles, layout, derived, info, as_of, today)
    if "instructions" in sheets:
        write_instructions(sheets["instructions"], styles, layout)
    _write_meta(sheets["meta"], spec, lang)
    for ws in sheets.values():
        if protect:
            protect_sheet(ws)
    sheets["dashboard"].activate()
    for name, formula in sorted(layout.names.items()):
        workbook.define_name(name, formula)
    # Document properties go into docProps/core.xml unescaped.
    subject = xml_safe(str(info.get("name") or ""))
    workbook.set_properties({"title": spec.title(lang), "subject": subject})
    workbook.set_custom_property("xltrack_template", spec.id)
    workbook.set_custom_property("xltrack_template_version", spec.version)


def _print_list(ws: Worksheet, placed: Any, n_data: int) -> None:
    """A short table prints on one page; a long one fits the width and ends at its data.

    A page holding only the repeated header and blank rows is what a long
    table's empty tail would print, so its print area stops at the last record
    (an empty long table prints one page of blank rows, a form to fill by hand).
    """
    if placed.n_rows <= ONE_PAGE_ROWS:
        print_setup(ws, placed.header_row, one_page=True)
        return
    last_col = placed.first_col + len(placed.cols) - 1
    if not n_data:
        print_setup(ws, placed.header_row, one_page=True)
        ws.print_area(0, 0, placed.first_row + BLANK_FORM_ROWS - 1, last_col)
        return
    print_setup(ws, placed.header_row)
    ws.print_area(0, 0, placed.first_row + min(n_data, placed.n_rows) - 1, last_col)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _write_campaign(
    ws: Worksheet, styles: Styles, layout: Layout, info: dict[str, Any], derived: dict[str, Any]
) -> None:
    spec, lang = layout.spec, layout.lang
    form = spec.table("campaign")
    grid = Grid()
    grid.put(TITLE_ROW, 0, "write_string", form.title(lang), styles.cell("title"))
    for col in form.laid_out:
        row, value_col = layout.form_cells[col.key]
        grid.put(row, 0, "write_string", col.label(lang), styles.cell("label"))
        fmt = styles.value(col.type, unlocked=True, extra="input_key")
        write_value(grid, row, value_col, col.type, info.get(col.key), fmt)
    for name, key in (
        ("Budget", "budget"),
        ("CampaignStart", "start_date"),
        ("CampaignEnd", "end_date"),
    ):
        if key in layout.form_cells:
            layout.define(name, layout.sheets["campaign"], *layout.form_cells[key])
    widths = {0: 26.0, 1: 40.0, 2: 2.0}
    for key in ("goals", "budget_split"):
        table = spec.table(key)
        placed = layout.tables[key]
        grid.put(
            placed.header_row - 1,
            BLOCK_COL,
            "write_string",
            table.title(lang),
            styles.cell("subtitle"),
        )
        write_table_rows(
            grid,
            styles,
            layout,
            table,
            placed,
            derived[key],
            len(derived[key]),
            worksheet=ws,
            blanks=True,
        )
        for col in table.laid_out:
            index = placed.cols[col.key]
            widths[index] = max(widths.get(index, 0), col.width or 12)
    for index, width in widths.items():
        ws.set_column(index, index, width)
    grid.flush(ws)
    print_setup(ws, None, one_page=True)


def _write_lists(
    ws: Worksheet, styles: Styles, layout: Layout, info: dict[str, Any], today: dt.date
) -> None:
    """Drop-down sources (one column per enum), the rule cells and the pace names."""
    spec, lang = layout.spec, layout.lang
    sheet = layout.sheets["lists"]
    enums = list(spec.enums)
    header = styles.cell("header")
    for j, enum in enumerate(enums):
        ws.write_string(0, j, enum, header)
        ws.set_column(j, j, 16)
    rule_col = len(enums) + 1
    ws.write_string(0, rule_col, "rule", header)
    ws.write_string(0, rule_col + 1, "value", header)
    ws.set_column(rule_col, rule_col, 22)
    depth = max(max(len(v) for v in spec.enums.values()), len(_RULE_NAMES) + len(_PACE_NAMES))
    start, end = _date(info.get("start_date")), _date(info.get("end_date"))
    pace_values = (derive.campaign_days(start, end), derive.elapsed_days(start, end, today))
    for i in range(depth):
        for j, enum in enumerate(enums):
            labels = spec.enum_labels(enum, lang)
            if i < len(labels):
                ws.write_string(i + 1, j, labels[i])
        if i < len(_RULE_NAMES):
            name, key = _RULE_NAMES[i]
            ws.write_string(i + 1, rule_col, name)
            ws.write_number(i + 1, rule_col + 1, float(getattr(spec.rules, key)))
            layout.define(name, sheet, i + 1, rule_col + 1)
        elif i < len(_RULE_NAMES) + len(_PACE_NAMES):
            k = i - len(_RULE_NAMES)
            name, formula = _PACE_NAMES[k]
            value = pace_values[k]
            ws.write_string(i + 1, rule_col, name)
            ws.write_formula(i + 1, rule_col + 1, formula, None, "" if value is None else value)
            layout.define(name, sheet, i + 1, rule_col + 1)
    for j, enum in enumerate(enums):
        layout.define(f"list_{enum}", sheet, 1, j, len(spec.enums[enum]))
    ws.hide()


def _write_meta(ws: Worksheet, spec: Spec, lang: Lang) -> None:
    """The stamp readers rely on: key/value rows in A:B."""
    try:
        version = metadata.version("xltrack")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    generated = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    rows: list[tuple[str, str | int]] = [
        ("template_id", spec.id),
        ("template_version", spec.version),
        ("lang", lang),
        ("xltrack_version", version),
        ("generated", generated),
    ]
    for i, (key, value) in enumerate(rows):
        ws.write_string(i, 0, key)
        if isinstance(value, int):
            ws.write_number(i, 1, value)
        else:
            ws.write_string(i, 1, value)
    ws.set_column(0, 1, 20)
    ws.hide()
