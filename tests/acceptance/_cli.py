"""Running ``cva`` as a user does, through Typer's test runner, and reading its JSON answers."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from customer_value.cli.main import app

runner = CliRunner()


def cva(*args):
    """Invoke ``cva`` with ``args``; exceptions are caught so a traceback is visible in the result."""
    return runner.invoke(app, [str(a) for a in args])


def ok(result):
    """The result of a command that must succeed (exit 0, no traceback)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), _explain(result)
    assert result.exit_code == 0, _explain(result)
    return result


def ok_json(result):
    """The JSON a successful ``--json`` command printed."""
    return json.loads(ok(result).stdout)


def user_error(result, *fragments):
    """A user error: exit code 2, one line on stderr containing every fragment, no traceback."""
    assert result.exit_code == 2, _explain(result)
    assert "Traceback" not in result.output + result.stderr, _explain(result)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def _explain(result) -> str:
    import traceback

    tb = "".join(traceback.format_exception(result.exception)) if result.exception and not isinstance(
        result.exception, SystemExit) else ""
    return f"exit {result.exit_code}\nstdout: {result.stdout}\nstderr: {result.stderr}\n{tb}"


def workspace(tmp_path: Path, *extra) -> Path:
    """``cva init`` a fresh workspace under ``tmp_path``."""
    root = tmp_path / "ws"
    ok(cva("init", root, *extra))
    return root
