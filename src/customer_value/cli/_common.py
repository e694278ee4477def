"""What every ``cva`` command shares: options, the error handler, output to JSON or Rich.

Command modules import the stage packages inside the command functions, so that ``cva --help``
and quick commands don't pay for loading Ibis, Splink or LightGBM.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from customer_value.errors import UserError
from customer_value.i18n import msg, normalise_language
from customer_value.workspace import Workspace, open_workspace

WorkspaceOption = Annotated[
    Path, typer.Option("--workspace", "-w", help="Workspace folder (default: the current folder).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Machine-readable JSON output.")]
LangOption = Annotated[str | None, typer.Option("--lang", help="Language of messages: zh or en (default: config).")]

#: Piped output (logs, files) gets a wide page instead of Rich's default 80 columns.
_PIPE_WIDTH = None if sys.stdout.isatty() else 200
out = Console(highlight=False, soft_wrap=True, markup=False, width=_PIPE_WIDTH)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def language(workspace: Path | None, lang: str | None) -> str:
    """The language asked for, else the workspace's configured one, else English."""
    if lang:
        return normalise_language(lang)
    try:
        return open_workspace(workspace or Path.cwd()).settings().language
    except UserError:
        return "en"


def handle_errors(command: Callable) -> Callable:
    """Print a :class:`UserError` as one line on stderr and exit 2; bugs keep their traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except UserError as exc:
            lang = language(kwargs.get("workspace"), kwargs.get("lang"))
            err.print(f"{msg('cli.error', lang)} {exc.render(lang)}", style="red")
            raise typer.Exit(2) from None

    return wrapper


def column_label(lang: str, column: str) -> str:
    """The display name of a column, or the column itself when the catalog has none."""
    key = f"column.{column}"
    label = msg(key, lang)
    return column if label == key else label


def warn_mixed_currencies(currencies: dict[str, int], lang: str) -> None:
    """Say on stderr when the figures add amounts of several currencies."""
    if len(currencies) > 1:
        listed = ", ".join(f"{code} ({count})" for code, count in currencies.items())
        err.print(msg("cli.mixed_currencies", lang, currencies=listed), style="yellow")


def workspace_of(path: Path | None) -> Workspace:
    """The initialised workspace at ``path`` (default: the current folder), its config validated."""
    workspace = open_workspace(path or Path.cwd())
    workspace.settings()
    return workspace


def print_json(data: Any) -> None:
    """JSON on stdout (UTF-8, non-ASCII kept)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def print_table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A Rich table on stdout."""
    table = Table(title=title, title_justify="left", header_style="bold")
    for header in headers:
        table.add_column(str(header), overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    out.print(table)


@contextmanager
def progress(enabled: bool = True):
    """A Rich progress bar on stderr (hidden for --json or when stderr is not a terminal, so that
    logs and captured output hold only the results and, on error, exactly one line)."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not enabled or not err.is_terminal,
    )
    with bar:
        yield bar
