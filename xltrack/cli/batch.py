"""`xltrack batch`: analyse a folder of past campaigns into one portfolio.

Exit codes: 0 every file was read (and nothing reached --fail-on), 1 findings at
or above --fail-on, 3 some files could not be read (each named on stderr) or an
output could not be written. A failed file outranks findings.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from typing import TYPE_CHECKING, TextIO

import click

from xltrack.cli import (
    EXIT_FINDINGS,
    EXIT_INPUT,
    as_of_option,
    cli,
    fail,
    fail_on_option,
    format_option,
    lang_option,
    template_option,
)
from xltrack.errors import XltrackError
from xltrack.escaping import iter_json, terminal_safe

if TYPE_CHECKING:
    from xltrack.portfolio import Portfolio

_SEVERITIES = ("error", "warning", "info")


class _ProgressBar:
    """files done / total, failures and rate on one stderr line, redrawn at most 10 times a
    second."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.last = 0.0
        self.drawn = False

    def __call__(self, done: int, failed: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        rate = done / max(now - self.start, 1e-9)
        width = 24
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "." * (width - filled)
        line = f"\r[{bar}] {done}/{total} files, {failed} failed, {rate:.1f} files/s"
        click.echo(line, file=self.stream, nl=False)
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            click.echo("", file=self.stream)


@cli.command("batch")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("-r", "--recursive", is_flag=True, help="Descend into sub-folders.")
@as_of_option("Measure overdue and age against this date (default: today).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the portfolio workbook (.xlsx) here.",
)
@click.option(
    "--export",
    "export_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write every tidy table as Parquet and CSV into this folder.",
)
@format_option("text", "json", help="What to print on stdout.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: all cores; 1 = no pool).",
)
# The names of executors.EXECUTORS, written out so that help needs no multiprocessing.
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Process pool on this machine, or a Dask cluster.",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Dask scheduler (tcp://host:8786); without it a local cluster is started.",
)
@click.option(
    "--include-generated",
    is_flag=True,
    help="Also read backups (NAME.bak.xlsx), summaries (NAME.summary.xlsx), temp "
    "and lock files found in folders (files named explicitly always are).",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="Export CSV text as read: no leading ' before =, +, -, @ (formula injection), "
    "control characters (terminal escapes) kept.",
)
@fail_on_option("never")
@lang_option("Language of the portfolio workbook's report (-o).", default="en")
@template_option()
@click.pass_context
def batch(
    ctx: click.Context,
    paths: tuple[str, ...],
    recursive: bool,
    as_of: dt.datetime | None,
    output: str | None,
    export_dir: str | None,
    fmt: str,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    include_generated: bool,
    raw_csv: bool,
    fail_on: str,
    lang: str,
    template: str | None,
) -> None:
    """Analyse many campaign workbooks (files, folders, globs) into one portfolio."""
    from xltrack.portfolio import analyze_many, render_text

    if output and not output.lower().endswith(".xlsx"):
        raise click.BadParameter(
            "the portfolio is an .xlsx workbook; name it .xlsx", param_hint="-o/--output"
        )
    day = as_of.date() if as_of else dt.date.today()
    bar = _ProgressBar(sys.stderr) if sys.stderr.isatty() else None
    try:
        try:
            portfolio = analyze_many(
                paths,
                as_of=day,
                recursive=recursive,
                jobs=jobs,
                executor=executor,
                scheduler=scheduler,
                progress=bar,
                include_generated=include_generated,
                template=template,
            )
        finally:
            if bar is not None:
                bar.close()
        for failure in portfolio.failed:
            click.echo(f"xltrack: error: {terminal_safe(failure['error']['message'])}", err=True)
        if not len(portfolio.load_report):
            where = ", ".join(paths)
            hint = "" if recursive else " (add --recursive to look in subfolders)"
            click.echo(f"xltrack: no workbook found in {terminal_safe(where)}{hint}", err=True)
        if output:
            from xltrack.portfolio_sheet import write_portfolio

            write_portfolio(portfolio, output, lang=lang)
        if export_dir:
            from xltrack.export import export_tables

            export_tables(portfolio.tables(), export_dir, raw_csv=raw_csv)
    except XltrackError as err:
        fail(err, ctx, lang)
        return
    if fmt == "json":
        for piece in iter_json(portfolio.to_dict()):
            click.echo(piece, nl=False)
        click.echo("")
    else:
        click.echo(terminal_safe(render_text(portfolio), keep_newlines=True), nl=False)
    ctx.exit(_exit_code(portfolio, fail_on))


def _exit_code(portfolio: Portfolio, fail_on: str) -> int:
    if portfolio.failed:
        return EXIT_INPUT
    if fail_on != "never":
        levels = _SEVERITIES[: _SEVERITIES.index(fail_on) + 1]
        for level in levels:
            if int(portfolio.campaigns[f"findings_{level}"].fillna(0).sum()) > 0:
                return EXIT_FINDINGS
    return 0
