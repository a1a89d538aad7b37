"""`xltrack report FILE`: write the weekly progress report sheet and print the report.

Reads and checks the workbook as of `--week-of` (`analyze_workbook`), gathers
the calendar week holding that date (`build_weekly_report`), writes the
"Weekly report YYYY-MM-DD" sheet with `write_report` (a new file next to the
input by default, or atomically in place with a backup; the same week's sheet is
replaced), then prints the report as text, Markdown or JSON on stdout; the
"written to" note goes to stderr.
Exit codes: 0 written; 2 usage error; 3 the input or the output cannot be used.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import click

from xltrack.cli import DATE_FORMATS, cli, fail, format_option, lang_option
from xltrack.errors import UnsupportedWorkbookError, XltrackError
from xltrack.escaping import terminal_safe

if TYPE_CHECKING:
    from xltrack.spec import Lang


@cli.command("report")
@click.argument("file", type=click.Path(path_type=str))
@click.option(
    "--week-of",
    "week_of",
    type=click.DateTime(DATE_FORMATS),
    default=None,
    metavar="DATE",
    help="A day of the week to report, also the as-of date (default: today).",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write to this file (default: NAME.report.xlsx next to the input).",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Replace the input itself (atomically; keeps NAME.bak.xlsx).",
)
@format_option(
    "text", "json", "markdown", help="How to print the report (markdown: for an email or a chat)."
)
@lang_option("Language of the sheet and the printed report (default: the workbook's own).")
@click.pass_context
def report(
    ctx: click.Context,
    file: str,
    week_of: dt.datetime | None,
    output: str | None,
    in_place: bool,
    fmt: str,
    lang: Lang | None,
) -> None:
    """Add (or replace) the weekly progress report sheet of a campaign workbook."""
    from xltrack.analyze import analyze_workbook
    from xltrack.source import PACKAGE_KINDS, workbook_format
    from xltrack.spec import load_spec
    from xltrack.weekly import build_weekly_report
    from xltrack.weekly_render import report_to_json, report_to_markdown, report_to_text
    from xltrack.weekly_sheet import write_report

    if output and in_place:
        raise click.UsageError("give -o/--output or --in-place, not both")
    day = (
        week_of.date() if week_of else dt.date.today()
    )  # the CLI is the one place that reads the clock
    spec = load_spec()
    try:
        kind = workbook_format(file)
        if kind not in PACKAGE_KINDS:
            # The sheet goes into the workbook's own package, which only .xlsx/.xlsm have.
            raise UnsupportedWorkbookError(
                file,
                f"an .{kind} workbook: report adds its sheet to an .xlsx or .xlsm; "
                "save it as .xlsx first",
            )
        analysis = analyze_workbook(file, day, spec=spec)
        lang = lang or ("zh" if analysis.frames.lang == "zh" else "en")
        weekly = build_weekly_report(analysis.frames, analysis.findings, day, spec=spec)
        written = write_report(file, weekly, out=output, in_place=in_place, lang=lang, spec=spec)
    except XltrackError as err:
        fail(err, ctx, lang)
        return
    if fmt == "json":
        click.echo(report_to_json(weekly, lang, spec, str(written)))
    elif fmt == "markdown":
        # Workbook text reaches the terminal: no escape sequences (OSC 52, titles, bells).
        click.echo(
            terminal_safe(report_to_markdown(weekly, lang, spec), keep_newlines=True), nl=False
        )
    else:
        click.echo(terminal_safe(report_to_text(weekly, lang, spec), keep_newlines=True), nl=False)
    click.echo(f"xltrack: weekly report written to {written}", err=True)
