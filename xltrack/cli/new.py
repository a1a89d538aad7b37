"""`xltrack new OUT.xlsx`: write a formatted campaign-tracking workbook.

Parses options, calls `generate_workbook`, prints the path. An existing file is
never overwritten without --force; a bad --template is reported as one line
naming the file and the problem (exit 3), never as a traceback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from xltrack.cli import DATE_FORMATS, as_of_option, cli, fail, lang_option, template_option
from xltrack.errors import XltrackError


class _Amount(click.ParamType[float]):
    """A budget as people type it, read like the workbook's own cells (`50万`, `1.2M`)."""

    name = "amount"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        if isinstance(value, float):
            return value
        from xltrack.cells import parse_amount  # loaded when the option is used, not for --help

        parsed = parse_amount(value)
        text = str(value)
        if (
            not parsed.ok
            or parsed.value is None
            or parsed.value < 0
            or parsed.assumption
            or "%" in text
        ):
            self.fail(
                f"{text!r} is not an amount: give a number such as 500000, 500,000 or 50万",
                param,
                ctx,
            )
        return float(parsed.value)


@cli.command("new")
@click.argument("out", type=click.Path(dir_okay=False, path_type=str))
@lang_option("Language of headers, sheet names and drop-down values.", default="en")
@click.option("--name", help="Campaign name.")
@click.option("--owner", help="Campaign owner.")
@click.option(
    "--start",
    type=click.DateTime(DATE_FORMATS),
    metavar="DATE",
    help="Campaign start (YYYY-MM-DD).",
)
@click.option(
    "--end", type=click.DateTime(DATE_FORMATS), metavar="DATE", help="Campaign end (YYYY-MM-DD)."
)
@click.option(
    "--budget", type=_Amount(), metavar="AMOUNT", help="Total budget (500000, 500,000, 50万)."
)
@click.option(
    "--rows",
    type=click.IntRange(1, 1_000_000),
    default=50,
    show_default=True,
    help="Rows laid out in each list table.",
)
@click.option(
    "--example", is_flag=True, help="Fill every table with the source's example campaign."
)
@as_of_option(
    "Pin the Dashboard's as-of date (default: =TODAY(); with --example, the example's own date)."
)
@template_option()
@click.option("--force", is_flag=True, help="Overwrite OUT if it exists.")
@click.pass_context
def new(
    ctx: click.Context,
    out: str,
    lang: str,
    name: str | None,
    owner: str | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    budget: float | None,
    rows: int,
    example: bool,
    as_of: dt.datetime | None,
    template: str | None,
    force: bool,
) -> None:
    """Write a campaign-tracking workbook to OUT (.xlsx)."""
    from xltrack.spec import load_spec
    from xltrack.writer import generate_workbook

    if start and end and end < start:
        raise click.BadParameter("the end is before the start", param_hint="--end")
    try:
        spec = load_spec(template) if template else None
        path = generate_workbook(
            out,
            lang=lang,
            spec=spec,
            name=name,
            owner=owner,
            start=start.date() if start else None,
            end=end.date() if end else None,
            budget=budget,
            rows=rows,
            example=example,
            force=force,
            as_of=as_of.date() if as_of else None,
        )
    except XltrackError as err:
        fail(err, ctx, lang)
        return
    click.echo(f"wrote {path}")
