"""The ``cva`` command."""

import typer

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, help="customer-value: customer value analysis.")


@app.command()
def version() -> None:
    """Print the version."""
    from customer_value import __version__

    typer.echo(__version__)
