"""The command line: a thin layer that parses, calls the public API, renders, exits.

The only package that imports click. Exit codes: 0 nothing at or above
--fail-on, 1 findings at or above it, 2 usage error, 3 an input or output
cannot be used. One place (`main`) turns XltrackError into a short message.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from xltrack.errors import XltrackError
from xltrack.escaping import terminal_safe

EXIT_FINDINGS = 1
EXIT_INPUT = 3

# -- options every command spells the same way ---------------------------------------
_F = TypeVar("_F", bound=Callable[..., Any])
DATE_FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]
#: --fail-on means one thing everywhere: exit 1 when a finding is at least this severe.
FAIL_ON = ("error", "warning", "info", "never")


def as_of_option(help: str) -> Callable[[_F], _F]:
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(DATE_FORMATS),
        default=None,
        metavar="DATE",
        help=help,
    )


def lang_option(help: str, default: str | None = None) -> Callable[[_F], _F]:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default=default,
        show_default=default is not None,
        help=help,
    )


def format_option(*choices: str, help: str = "Output format.") -> Callable[[_F], _F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=choices[0],
        show_default=True,
        help=help,
    )


def template_option() -> Callable[[_F], _F]:
    return click.option(
        "--template",
        type=click.Path(dir_okay=False, path_type=str),
        default=None,
        metavar="FILE",
        help="A team's own template (YAML; it may extend the built-in one).",
    )


def fail_on_option(default: str) -> Callable[[_F], _F]:
    return click.option(
        "--fail-on",
        "fail_on",
        type=click.Choice(FAIL_ON),
        default=default,
        show_default=True,
        help="Exit 1 when a finding is at least this severe (never: do not).",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="xltrack")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Track marketing campaigns in Excel: generate, check, summarize, batch."""
    ctx.obj = {"debug": debug}


def fail(err: XltrackError, ctx: click.Context | None = None, lang: str | None = None) -> None:
    """Print an xltrack error without a traceback (unless --debug) and exit 3.

    The reason is said in `lang` when given (a Chinese user's --lang zh).
    """
    debug = bool(ctx and ctx.obj and ctx.obj.get("debug"))
    if debug:
        traceback.print_exception(err)
    say = getattr(err, "message", None)
    text = say(lang) if lang and callable(say) else str(err)
    click.echo(f"xltrack: error: {terminal_safe(text)}", err=True)
    sys.exit(getattr(err, "exit_code", EXIT_INPUT))


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the `xltrack` console script."""
    try:
        return cli.main(args=argv, prog_name="xltrack", standalone_mode=True)
    except XltrackError as err:  # raised outside a command's own handling
        fail(err)


# Commands live one per module; importing them attaches them to `cli`, so this
# import comes after `cli` is defined (E402 on purpose).
from xltrack.cli import commands  # noqa: E402, F401
