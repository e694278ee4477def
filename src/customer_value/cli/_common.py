"""What every ``cva`` command shares: options, the error handler, output to JSON or Rich.

Command modules import the stage packages inside the command functions, so that ``cva --help``
and quick commands don't pay for loading Ibis, Splink or LightGBM.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from customer_value._json import dumps
from customer_value.diagnostics import Diagnostic, captured_warnings, sort_diagnostics
from customer_value.errors import UserError
from customer_value.i18n import has_message, message, msg, normalise_language
from customer_value.runs.labels import column_label, value_label
from customer_value.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from customer_value.config import PlaybookConfig

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
    """Print a :class:`UserError` as one line on stderr and exit 2; bugs keep their traceback.

    Python warnings raised by the command are not printed as such (with a source path): after
    the command they are shown on stderr as catalogued diagnostics, one line each.
    """

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with captured_warnings(command.__name__) as caught:
                result = command(*args, **kwargs)
        except UserError as exc:
            lang = language(kwargs.get("workspace"), kwargs.get("lang"))
            err.print(f"{msg('cli.error', lang)} {exc.render(lang)}", style="red")
            raise typer.Exit(2) from None
        if caught:
            print_diagnostics(caught, language(kwargs.get("workspace"), kwargs.get("lang")))
        return result

    return wrapper


def warn_mixed_currencies(currencies: dict[str, int], lang: str) -> None:
    """Say on stderr when the figures add amounts of several currencies."""
    if len(currencies) > 1:
        listed = ", ".join(f"{code} ({count})" for code, count in currencies.items())
        note = message("cli.mixed_currencies", currencies=listed)
        print_diagnostics([Diagnostic.of("quality", "warning", note)], lang)


#: How each severity is shown on the terminal.
SEVERITY_STYLES = {"error": "red", "warning": "yellow", "info": ""}


def stage_label(lang: str, stage: str) -> str:
    """The name of a stage (or command) in ``lang``: ``cli.stage.<stage>``, else the name itself."""
    return msg(f"cli.stage.{stage}", lang) if has_message(f"cli.stage.{stage}") else stage


def affected_text(diagnostic: Diagnostic, lang: str) -> str | None:
    """Which customers' numbers a diagnostic concerns, in words, or None."""
    if diagnostic.customers is None or not diagnostic.columns:
        return None
    columns = msg("common.list_separator", lang).join(column_label(lang, c) for c in diagnostic.columns)
    customers = msg(f"diagnostic.group.{diagnostic.customers}", lang)
    count = "" if diagnostic.count is None else f"{diagnostic.count:,}"
    return msg("diagnostic.affects", lang, columns=columns, customers=customers, count=count)


def diagnostic_json(diagnostic: Diagnostic, lang: str) -> dict[str, Any]:
    """A diagnostic as data (language-free) plus its ``text`` and ``affects`` in ``lang``."""
    return {**diagnostic.to_dict(), "text": diagnostic.render(lang), "affects": affected_text(diagnostic, lang)}


def print_diagnostics(diagnostics: Iterable[Diagnostic], lang: str, *, title: str | None = None) -> None:
    """Diagnostics on stderr, most severe first: one line each, and what they affect below it."""
    items = sort_diagnostics(diagnostics)
    if title is not None and items:
        err.print(title, style="bold")
    for item in items:
        severity = msg(f"diagnostic.severity.{item.severity}", lang)
        line = msg("diagnostic.line", lang, severity=severity, stage=stage_label(lang, item.stage),
                   text=item.render(lang))
        err.print(line, style=SEVERITY_STYLES[item.severity])
        if (affects := affected_text(item, lang)) is not None:
            err.print(f"    {affects}")


def workspace_of(path: Path | None) -> Workspace:
    """The initialised workspace at ``path`` (default: the current folder), its config validated."""
    workspace = open_workspace(path or Path.cwd())
    workspace.settings()
    return workspace


def print_json(data: Any) -> None:
    """JSON on stdout (UTF-8, non-ASCII kept): arrays, numbers and null, never Python's text of them."""
    sys.stdout.write(dumps(data) + "\n")


def cell(lang: str, column: str, value: Any, playbooks: PlaybookConfig | None = None) -> Any:
    """A value as a terminal table shows it: numbers with separators, codes, lists and booleans in words."""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return value_label(lang, column, value, playbooks)


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
