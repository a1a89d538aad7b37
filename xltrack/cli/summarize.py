"""`xltrack summarize FILE`: write the achievement summary sheet and print the summary.

Reads and checks the workbook (`analyze_workbook`), writes the sheet with
`write_summary` (a new file next to the input by default, or atomically in
place with a backup), then prints the summary as text or JSON. The JSON goes
to stdout alone; the "written to" note goes to stderr. A .xls, .xlsb or .ods
input is never rewritten: its tables and the summary go into a new .xlsx
(`write_summary_copy`), and --in-place on it is a usage error.
Exit codes: 0 written; 2 usage error; 3 the input or the output cannot be used.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from xltrack.atomic import fingerprint
from xltrack.cli import as_of_option, cli, fail, format_option, lang_option, template_option
from xltrack.errors import XltrackError
from xltrack.escaping import terminal_safe

if TYPE_CHECKING:
    from xltrack.spec import Lang


@cli.command("summarize")
@click.argument("file", type=click.Path(path_type=str))
@as_of_option("The date overdue is measured against (default: today).")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=str),
    default=None,
    help="Write to this file (default: NAME.summary.xlsx next to the input).",
)
@click.option(
    "--in-place",
    is_flag=True,
    help="Replace the input itself (atomically; keeps NAME.bak.xlsx); .xlsx/.xlsm only.",
)
@click.option(
    "--force", is_flag=True, help="Overwrite the output if it exists and is not xltrack's."
)
@lang_option("Language of the sheet and the text output (default: the workbook's own).")
@format_option("text", "json", help="How to print the summary.")
@template_option()
@click.pass_context
def summarize(
    ctx: click.Context,
    file: str,
    as_of: dt.datetime | None,
    output: str | None,
    in_place: bool,
    force: bool,
    lang: Lang | None,
    fmt: str,
    template: str | None,
) -> None:
    """Add (or replace) the achievement summary sheet of a campaign workbook."""
    from xltrack.analyze import analyze_workbook
    from xltrack.inject import default_output
    from xltrack.render import summary_to_json, summary_to_text
    from xltrack.source import PACKAGE_KINDS, workbook_format
    from xltrack.spec import load_spec
    from xltrack.summary_sheet import write_summary
    from xltrack.transcribe import write_summary_copy

    if output and in_place:
        raise click.UsageError("give -o/--output or --in-place, not both")
    if output and not force and os.path.lexists(output):  # like `xltrack new`
        raise click.BadParameter(
            f"{output} already exists (use --force to overwrite)", param_hint="-o/--output"
        )
    if output and not output.lower().endswith((".xlsx", ".xlsm")):  # before the work, not after
        raise click.BadParameter(
            "the output is a workbook; name it .xlsx (.xlsm with macros)", param_hint="-o/--output"
        )
    day = (
        as_of.date() if as_of else dt.date.today()
    )  # the CLI is the one place that reads the clock
    try:
        kind = workbook_format(file)
    except XltrackError as err:
        fail(err, ctx, lang)
        return
    copy = kind not in PACKAGE_KINDS
    if copy and in_place:
        target = default_output(Path(file).with_suffix(".xlsx"))
        raise click.UsageError(
            f"{file} is a .{kind} workbook, which xltrack never rewrites; drop --in-place and "
            f"the summary goes into a new {target.name} beside it (or -o OUT.xlsx)"
        )
    default = (
        None
        if output or in_place
        else default_output(Path(file).with_suffix(".xlsx") if copy else Path(file))
    )
    if default is not None and not force and default.exists() and not _an_xltrack_summary(default):
        raise click.BadParameter(
            f"{default} exists and was not written by xltrack summarize; use --force to "
            "overwrite it, or -o to write elsewhere",
            param_hint="FILE",
        )
    try:
        try:
            # Taken before reading: a file saved while it is analysed is refused at the write.
            before = fingerprint(file)
        except OSError:
            before = None  # analyze_workbook names the problem
        spec = load_spec(template)
        analysis = analyze_workbook(file, day, spec=spec)
        lang = lang or ("zh" if analysis.frames.lang == "zh" else "en")
        if copy:
            written = write_summary_copy(
                analysis.frames,
                analysis,
                out=output,
                lang=lang,
                spec=spec,
            )
        else:
            written = write_summary(
                file,
                analysis,
                out=output,
                in_place=in_place,
                lang=lang,
                spec=spec,
                expect=before,
            )
    except XltrackError as err:
        fail(err, ctx, lang)
        return
    if fmt == "json":
        click.echo(summary_to_json(analysis.summary, str(written)))
    else:
        click.echo(summary_to_text(analysis.summary, lang, spec), nl=False)
    click.echo(f"xltrack: summary written to {terminal_safe(str(written))}", err=True)


def _an_xltrack_summary(path: Path) -> bool:
    """Whether `path` holds xltrack's summary marker (a rerun may replace it, nothing else)."""
    import zipfile

    from xltrack.archive import ZIP_READ_ERRORS
    from xltrack.marker import SUMMARY_MARKER, marked_sheet

    try:
        with zipfile.ZipFile(path) as z:
            books = [n for n in z.namelist() if n.endswith("workbook.xml")]
            return any(
                marked_sheet(z.read(n).decode("utf-8", "replace"), SUMMARY_MARKER) for n in books
            )
    except ZIP_READ_ERRORS:
        return False
