"""Shared fixtures: a real PostgreSQL server for the whole test session.

The server is started from the Debian ``postgresql`` package binaries (CI's ``.ci/run`` installs
them). ``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the ``postgres``
user through ``runuser`` in a temp dir that user owns. Missing binaries fail the tests that need
the server with a message saying what to install — they never skip.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# A message template field that a caller does not give fails the test (customer_value.i18n).
os.environ["CVA_STRICT_MESSAGES"] = "1"

PG_BIN = Path(os.environ.get("CVA_PG_BIN", "/usr/lib/postgresql/15/bin"))


@dataclass(frozen=True)
class PostgresServer:
    """A running test server: superuser URL (trust auth) and a role that must give its password."""

    url: str
    host: str
    port: int
    password_user: str
    password: str

    def url_for(self, user: str, password: str, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}:{password}@{self.host}:{self.port}/{database}"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(command: list[str], as_user: str | None) -> subprocess.CompletedProcess[str]:
    if as_user is not None:
        command = ["runuser", "-u", as_user, "--", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start PostgreSQL on a free port in a temp dir; stop it (``-m immediate``) at the end."""
    initdb, pg_ctl = PG_BIN / "initdb", PG_BIN / "pg_ctl"
    if not (initdb.exists() and pg_ctl.exists()):
        pytest.fail(
            f"PostgreSQL binaries not found in {PG_BIN}: install them with "
            "`apt-get install -y postgresql` (as .ci/run does) or set CVA_PG_BIN",
            pytrace=False,
        )
    as_user = None
    if os.geteuid() == 0:
        as_user = "postgres"
        try:
            owner = pwd.getpwnam(as_user)
        except KeyError:
            pytest.fail("running as root needs the `postgres` user (created by the postgresql package)", pytrace=False)
    root = Path(tempfile.mkdtemp(prefix="cva-pg-"))
    data = root / "data"
    if as_user is not None:
        os.chown(root, owner.pw_uid, owner.pw_gid)
    user = as_user or pwd.getpwuid(os.geteuid()).pw_name
    result = _run(
        [str(initdb), "-D", str(data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-U", user], as_user
    )
    if result.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}", pytrace=False)
    # One role must authenticate with a password (wrong-password tests); pg_hba is first match.
    password_user, password = "cva_pw_user", "s3cr3t-Pa55word"
    hba = data / "pg_hba.conf"
    hba.write_text(f"host all {password_user} 127.0.0.1/32 scram-sha-256\n" + hba.read_text())
    port = _free_port()
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    start = _run([str(pg_ctl), "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "start"], as_user)
    if start.returncode != 0:
        log = (root / "server.log").read_text() if (root / "server.log").exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"pg_ctl start failed: {start.stderr.strip()} {log[-2000:]}", pytrace=False)
    url = f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql(f"CREATE ROLE {password_user} LOGIN PASSWORD '{password}'")
            connection.exec_driver_sql(f"GRANT pg_read_all_data TO {password_user}")
        engine.dispose()
        yield PostgresServer(url=url, host="127.0.0.1", port=port, password_user=password_user, password=password)
    finally:
        _run([str(pg_ctl), "-D", str(data), "-m", "immediate", "-w", "stop"], as_user)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """SQLAlchemy URL of the session's PostgreSQL server (superuser, no password needed)."""
    return postgres_server.url
