"""`xltrack check FILE...`: run the consistency checks and report findings.

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage
error (click); 3 at least one input could not be used. When both 1 and 3 apply,
3 wins: a gate that only looked for 1 must not pass a run in which a file was
never checked. Every file is checked even when another one cannot be used.
"""

from __future__ import annotations

import datetime as dt
import sys
import traceback
from typing import TYPE_CHECKING

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
from xltrack.errors import UnreadableWorkbookError, WorkbookError, XltrackError
from xltrack.findings import Severity

if TYPE_CHECKING:
    from xltrack.spec import Lang, Spec

if TYPE_CHECKING:
    from xltrack.render import (
        WorkbookReport,
    )

_THRESHOLD = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "info": Severity.INFO,
    "never": None,
}


@cli.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
@as_of_option("The date overdue and late are measured against (default: today).")
@format_option("text", "json")
@lang_option("Language of the messages (default: the first workbook's own language).")
@fail_on_option("error")
@click.option(
    "--color/--no-color",
    "colour",
    default=None,
    help="Colour the text output (default: only on a terminal).",
)
@template_option()
@click.pass_context
def check(
    ctx: click.Context,
    files: tuple[str, ...],
    as_of: dt.datetime | None,
    fmt: str,
    lang: Lang | None,
    fail_on: str,
    colour: bool | None,
    template: str | None,
) -> None:
    """Check campaign workbooks for overdue tasks, open issues, targets missed and more."""
    from xltrack.render import iter_reports_json, reports_to_text
    from xltrack.spec import load_spec

    debug = bool(ctx.obj and ctx.obj.get("debug"))
    day = (
        as_of.date() if as_of else dt.date.today()
    )  # the CLI is the one place that reads the clock
    try:
        spec = load_spec(template)
    except XltrackError as err:
        fail(err, ctx)
        return
    reports = [_check_one(path, day, debug, spec) for path in files]
    own = [r.lang for r in reports if r.lang is not None]
    chosen: Lang = lang or (own[0] if own else "en")
    if fmt == "json":
        for piece in iter_reports_json(reports, chosen, spec):  # streamed: no giant string
            click.echo(piece, nl=False)
        click.echo("")
    else:
        if colour is None:
            colour = sys.stdout.isatty()
        click.echo(
            reports_to_text(reports, chosen, colour=colour, spec=spec), nl=False, color=colour
        )
    ctx.exit(exit_code(reports, fail_on))


def exit_code(reports: list[WorkbookReport], fail_on: str) -> int:
    """3 if any input was unusable, else 1 if a finding reaches `fail_on`, else 0."""
    from xltrack.render import worst_severity

    if any(r.error for r in reports):
        return EXIT_INPUT
    threshold = _THRESHOLD[fail_on]
    worst = worst_severity(reports)
    if threshold is not None and worst is not None and worst >= threshold:
        return EXIT_FINDINGS
    return 0


def _check_one(path: str, as_of: dt.date, debug: bool, spec: Spec) -> WorkbookReport:
    from xltrack.analyze import analyze_workbook
    from xltrack.render import WorkbookReport, report_from_analysis, report_from_error

    try:
        return report_from_analysis(analyze_workbook(path, as_of, spec=spec))
    except WorkbookError as err:
        _trace(debug)
        return report_from_error(path, as_of, err)
    except OSError as err:  # the reader wraps these; a stray one still names the file
        _trace(debug)
        reason = err.strerror or str(err)
        return report_from_error(path, as_of, UnreadableWorkbookError(path, reason))
    except Exception as err:  # the CLI boundary: one bad file must not hide the rest
        if debug:
            raise
        return WorkbookReport(
            path,
            as_of,
            error={
                "code": "internal-error",
                "message": f"{path}: internal error ({type(err).__name__}: {err}); "
                "run `xltrack --debug check` for the traceback",
            },
        )


def _trace(debug: bool) -> None:
    if debug:
        traceback.print_exc(file=sys.stderr)
