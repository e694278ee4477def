"""``read_sql``: the result of one SELECT against a database (PostgreSQL, MySQL, SQLite) as a RawTable.

The query goes through SQLAlchemy 2 with a server-side cursor where the driver has one, and is
fetched in chunks that become Arrow record batches, so a large result never exists as one big
list of Python rows. Only a single ``SELECT`` or ``WITH`` statement is accepted, and the session
is made read-only where the database allows it (PostgreSQL read-only transaction, SQLite
``query_only``). Every failure is a one-line :class:`DatabaseError` whose URL has the password
masked; the password never appears in a message.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

from customer_value.errors import ConfigError, DatabaseError
from customer_value.ingest.detect import one_line
from customer_value.ingest.raw import RawTable, clean_headers, column_array

CHUNK_ROWS = 50_000
CONNECT_TIMEOUT_SECONDS = 10

# Words that make a statement write, lock or export even when it starts with SELECT or WITH.
_WRITING = frozenset(
    "INSERT UPDATE DELETE MERGE UPSERT DROP CREATE ALTER TRUNCATE GRANT REVOKE INTO COPY CALL EXEC "
    "EXECUTE LOCK VACUUM ATTACH DETACH PRAGMA".split()
)
_READING = ("SELECT", "WITH")
_PASSWORD_PARAM = re.compile(r"((?:password|passwd|pwd)=)[^&;\s]*", re.IGNORECASE)
_BIND = re.compile(r"(?<![:\w\\]):(?=\w)")
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)[^@\s]*@")


def read_sql(url: str, query: str, *, chunk_rows: int = CHUNK_ROWS) -> RawTable:
    """Run one read-only query and return its rows as Arrow, with native types.

    Parameters
    ----------
    url
        SQLAlchemy URL: ``postgresql+psycopg://user:pw@host:5432/db``, ``sqlite:///path/to.db``,
        ``mysql+pymysql://…`` (needs that driver installed).
    query
        A single ``SELECT`` or ``WITH`` statement; a trailing ``;`` is allowed.
    chunk_rows
        Rows fetched per round trip and per Arrow record batch.

    Returns
    -------
    RawTable
        ``source`` is the URL with its password masked, ``format`` is ``sql``; ``fingerprint`` is
        the sha256 of the password-less URL, the query and a hash of the result content (a query
        without ``ORDER BY`` may return rows in another order and so another fingerprint).
        An empty result gives a table with the result's columns and no rows.

    Raises
    ------
    ConfigError
        The query is empty, has several statements, or is not a SELECT/WITH (names the kind).
    DatabaseError
        The URL is invalid, its driver is missing, the server is unreachable, the credentials
        are wrong, a table is missing or the SQL fails.
    """
    check_query(query)
    masked = mask_url(url)
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise DatabaseError("ingest.db_bad_url", url=masked) from exc
    _check_sqlite_file(parsed, masked)
    secrets = _secrets(parsed)
    try:
        engine = sa.create_engine(parsed, poolclass=NullPool, connect_args=_connect_args(parsed))
    except (sa.exc.NoSuchModuleError, ImportError) as exc:
        raise DatabaseError("ingest.db_driver_missing", url=masked, driver=parsed.drivername) from exc
    except sa.exc.ArgumentError as exc:
        raise DatabaseError("ingest.db_bad_url", url=masked) from exc
    try:
        table = _fetch(engine, query, chunk_rows)
    except sa.exc.DBAPIError as exc:
        reason = _scrub(_first_line(exc.orig if exc.orig is not None else exc), secrets)
        raise DatabaseError(url=masked, reason=reason) from exc
    except sa.exc.SQLAlchemyError as exc:
        raise DatabaseError(url=masked, reason=_scrub(one_line(exc), secrets)) from exc
    finally:
        engine.dispose()
    plain = parsed.set(password=None).render_as_string(hide_password=False)
    digest = hashlib.sha256()
    for part in (_PASSWORD_PARAM.sub(r"\1", plain), query, _content_hash(table)):
        digest.update(part.encode("utf-8") + b"\x00")
    return RawTable(
        table=table,
        source=masked,
        format="sql",
        encoding=None,
        delimiter=None,
        sheet=None,
        fingerprint=digest.hexdigest(),
    )


def mask_url(url: str) -> str:
    """``url`` with its password (in the authority or a ``password=`` parameter) replaced by ``***``."""
    try:
        text = make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError):
        text = _URL_PASSWORD.sub(r"\1***@", url)
    return _PASSWORD_PARAM.sub(r"\1***", text)


def check_query(query: str) -> str:
    """The kind of ``query`` (``SELECT`` or ``WITH``); ConfigError for anything that isn't one read-only statement."""
    code = _strip_literals(query)
    statements = [part for part in code.split(";") if part.strip()]
    if not statements:
        raise ConfigError("ingest.sql_empty")
    if len(statements) > 1:
        raise ConfigError("ingest.sql_multiple", count=len(statements))
    words = [word.upper() for word in re.findall(r"\w+", statements[0])]
    kind = words[0]
    if kind not in _READING:
        raise ConfigError("ingest.sql_not_select", kind=kind)
    writing = next((word for word in words if word in _WRITING), None)
    if writing is not None:
        raise ConfigError("ingest.sql_not_select", kind=f"{kind} … {writing}")
    return kind


def _strip_literals(query: str) -> str:
    """``query`` with comments, string literals and quoted identifiers blanked out."""
    out: list[str] = []
    i, n = 0, len(query)
    while i < n:
        char = query[i]
        two = query[i : i + 2]
        if two == "--":
            end = query.find("\n", i)
            i = n if end < 0 else end
        elif two == "/*":
            end = query.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif char in "'\"`":
            j = i + 1
            while j < n:
                if query[j] == char:
                    if query[j + 1 : j + 2] == char:  # doubled quote inside the literal
                        j += 2
                        continue
                    break
                if query[j] == "\\" and char == "'":
                    j += 1
                j += 1
            i = j + 1
        elif char == "$" and (tag := re.match(r"\$(\w*)\$", query[i:])):
            end = query.find(tag.group(0), i + len(tag.group(0)))
            i = n if end < 0 else end + len(tag.group(0))
        else:
            out.append(char)
            i += 1
            continue
        out.append(" ")
    return "".join(out)


def _connect_args(url: URL) -> dict[str, Any]:
    """A connect timeout for network databases, so an unreachable host fails instead of hanging."""
    if url.get_backend_name() in ("postgresql", "mysql", "mariadb") and "connect_timeout" not in url.query:
        return {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return {}


def _check_sqlite_file(url: URL, masked: str) -> None:
    if url.get_backend_name() != "sqlite":
        return
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    if not Path(database).is_file():  # SQLite would silently create an empty database
        raise DatabaseError("ingest.sqlite_missing", url=masked, path=database)


def _fetch(engine: sa.Engine, query: str, chunk_rows: int) -> pa.Table:
    options: dict[str, Any] = {"stream_results": True, "yield_per": chunk_rows}
    if engine.dialect.name == "postgresql":
        options["postgresql_readonly"] = True
    with engine.connect() as connection:
        connection = connection.execution_options(**options)  # before the transaction begins
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA query_only = ON")
        # text() lets SQLAlchemy escape "%" for the driver; colons are escaped so that nothing
        # in the query (such as ' :x' inside a literal) is taken for a bind parameter.
        result = connection.execute(sa.text(_BIND.sub(r"\\:", query)))
        if not result.returns_rows:
            raise ConfigError("ingest.sql_not_select", kind="(no result rows)")
        names = clean_headers(result.keys())
        chunks = []
        for partition in result.partitions(chunk_rows):
            columns = list(zip(*partition)) if partition else [() for _ in names]
            chunks.append(pa.Table.from_arrays([column_array(list(c)) for c in columns], names=names))
        result.close()
    if not chunks:
        return pa.Table.from_arrays([pa.nulls(0) for _ in names], names=names)
    return _concat(chunks)


def _concat(chunks: list[pa.Table]) -> pa.Table:
    """Chunks as one table; a column whose type differs between chunks (SQLite) becomes text."""
    try:
        return pa.concat_tables(chunks, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        pass
    names = chunks[0].column_names
    mixed = set()
    for i in range(len(names)):
        types = {chunk.schema.field(i).type for chunk in chunks} - {pa.null()}
        if len(types) > 1:
            mixed.add(i)
    fixed = []
    for chunk in chunks:
        arrays = [
            pc.cast(chunk.column(i), pa.string()) if i in mixed else chunk.column(i) for i in range(len(names))
        ]
        fixed.append(pa.Table.from_arrays(arrays, names=names))
    return pa.concat_tables(fixed, promote_options="permissive")


def _content_hash(table: pa.Table) -> str:
    digest = hashlib.sha256(str(table.schema).encode("utf-8"))
    for batch in table.to_batches():
        digest.update(batch.serialize())
    return digest.hexdigest()


def _secrets(url: URL) -> list[str]:
    """The password of ``url`` (authority or ``password=`` parameter), raw and URL-quoted, longest first."""
    candidates = [url.password] + [
        value for key, value in url.query.items() if key.lower() in ("password", "passwd", "pwd")
    ]
    secrets: set[str] = set()
    for candidate in candidates:
        for value in candidate if isinstance(candidate, tuple) else (candidate,):
            if value is not None and len(str(value)) >= 3:  # scrubbing 1-2 characters would garble text
                secrets.update({str(value), quote_plus(str(value))})
    return sorted(secrets, key=len, reverse=True)


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return _PASSWORD_PARAM.sub(r"\1***", text)


def _first_line(exc: BaseException) -> str:
    lines = [" ".join(line.split()) for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
