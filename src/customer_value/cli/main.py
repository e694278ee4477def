"""The ``cva`` command: one Typer app, one module per command group."""

import logging
import sys
from typing import Annotated

import typer

from customer_value.cli import ingest, results, runs, workspace
from customer_value.cli import actions
from customer_value.cli import backtest

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="customer-value (客户价值分析): what every customer is worth, will be worth, and what to do.",
)


def _print_version(value: bool) -> None:
    if value:
        from customer_value import __version__
        from customer_value.cli._common import out
        from customer_value.i18n import msg

        out.print(msg("cli.version", "en", version=__version__))
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each step does on stderr.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Logging goes to stderr only with --verbose; what the user must know comes as diagnostics."""
    handler = logging.StreamHandler(sys.stderr) if verbose else logging.NullHandler()
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler], force=True)


app.command()(workspace.init)
app.command()(ingest.ingest)
app.command()(ingest.quality)
app.command()(runs.run)
app.command()(runs.runs)
app.command()(runs.diagnostics)
app.command()(results.customers)
app.command()(results.customer)
app.command()(results.export)
app.command()(actions.actions)
app.command()(actions.migrations)
app.command()(workspace.demo)
app.command()(backtest.backtest)
