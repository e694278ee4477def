"""Running ``cva`` through Typer's test runner and checking how a command ended."""

from typer.testing import CliRunner

from customer_value.cli.main import app

runner = CliRunner()


def cva(*args):
    """Invoke ``cva`` with ``args`` (each turned into a string); exceptions propagate."""
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def ok(result):
    """The result of a command that must succeed (exit 0)."""
    assert result.exit_code == 0, result.output + result.stderr
    return result


def user_error(result, *fragments):
    """A user error: exit code 2, one line on stderr containing every fragment, no traceback."""
    assert result.exit_code == 2, result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output + result.stderr
    return lines[0]
