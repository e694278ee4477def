"""Exports as users have them, through ``cva`` as they run it: what they see, exit code 0 or 2."""

from customer_value import __version__
from tests.cli.helpers import cva, ok


def test_version_prints_the_package_version():
    result = ok(cva("--version"))
    assert result.stdout.strip() == f"cva {__version__}"


def test_version_is_the_installed_distribution_version():
    from importlib.metadata import version

    assert __version__ == version("customer-value")
