"""What a file is, found from its name and its first bytes: format, compression, encoding, delimiter.

Detection reads small samples only (the head of the file and, for uncompressed text, a few
slices further in), so a file of any size is classified without loading it.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import zlib
from dataclasses import dataclass
from pathlib import Path

from customer_value.errors import ConfigError, InputFileError

SAMPLE_BYTES = 64 * 1024
_PROBES = 4  # extra slices of an uncompressed text file checked for UTF-8

_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".tab": "csv",
    ".txt": "csv",
    ".psv": "csv",
    ".xlsx": "excel",
    ".xlsm": "excel",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
_COMPRESSIONS = {".gz": "gzip", ".gzip": "gzip"}

# Magic numbers of binary files that are never tables we read. (Short ones such as "MZ" are left
# out: a text header could start with them; NUL bytes still mark those files as binary.)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"%PDF-", "PDF"),
    (b"\x7fELF", "ELF"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"SQLite format 3\x00", "SQLite"),
)
_ZIP = b"PK\x03\x04"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls / .doc
_PARQUET = b"PAR1"
_GZIP = b"\x1f\x8b"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),  # Arrow skips a UTF-8 BOM itself; no transcoding needed
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
DELIMITERS = (",", "\t", ";", "|")
#: The delimiter of text aligned in columns by spaces (see :mod:`customer_value.ingest.aligned`).
WHITESPACE = "whitespace"
_DELIMITER_NAMES = {
    "comma": ",", "semicolon": ";", "tab": "\t", "\\t": "\t", "pipe": "|",
    "whitespace": WHITESPACE, "space": WHITESPACE, "spaces": WHITESPACE,
}  # fmt: skip
_NOT_DELIMITERS = ('"', "\n", "\r")


def parse_delimiter(option: str) -> str:
    """The delimiter named by ``--delimiter``: ``comma``, ``semicolon``, ``tab``, ``pipe``, ``whitespace``, or one character.

    ``whitespace`` (also ``space`` or a single space) reads columns separated by spaces, aligned
    or not (:mod:`customer_value.ingest.aligned`); ``\\t`` is a tab.

    Raises
    ------
    ConfigError
        Anything else (an empty option, several characters, a quote or a line break).
    """
    if option == " ":
        return WHITESPACE
    named = _DELIMITER_NAMES.get(option.strip().lower())
    if named is not None:
        return named
    if len(option) == 1 and option not in _NOT_DELIMITERS:
        return option
    raise ConfigError("ingest.bad_delimiter", option=option)


@dataclass(frozen=True)
class FileKind:
    """How to read a file: its ``format`` and ``compression`` (``gzip`` or None)."""

    format: str
    compression: str | None


def check_file(path: Path) -> int:
    """The size of ``path`` in bytes; InputFileError when it is missing, a directory or empty."""
    try:
        exists, is_dir = path.exists(), path.is_dir()
        size = path.stat().st_size if exists and not is_dir else 0
    except OSError as exc:
        raise InputFileError("ingest.os_error", path=str(path), detail=one_line(exc)) from exc
    if not exists:
        raise InputFileError("ingest.not_found", path=str(path))
    if is_dir:
        raise InputFileError("ingest.is_directory", path=str(path))
    if size == 0:
        raise InputFileError("ingest.empty", path=str(path))
    return size


def fingerprint(path: Path) -> str:
    """sha256 hex digest of the bytes of ``path``, streamed."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        raise InputFileError("ingest.os_error", path=str(path), detail=one_line(exc)) from exc


def sheet_fingerprint(file_digest: str, sheet: str) -> str:
    """sha256 hex digest of a workbook's ``file_digest`` (:func:`fingerprint`) and a ``sheet`` name.

    Each sheet of a workbook is its own source: two sheets of one file get two fingerprints,
    and the same sheet of the same file always the same one.
    """
    return hashlib.sha256(f"{file_digest}\n{sheet}".encode()).hexdigest()


def read_head(path: Path, compression: str | None, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes of ``path`` (decompressed when ``compression`` is gzip)."""
    try:
        if compression == "gzip":
            with gzip.open(path, "rb") as handle:
                return _read_up_to(handle, size)
        with path.open("rb") as handle:
            return handle.read(size)
    except (OSError, EOFError, zlib.error) as exc:
        if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)):
            raise InputFileError("ingest.corrupt_gzip", path=str(path), detail=one_line(exc)) from exc
        raise InputFileError("ingest.os_error", path=str(path), detail=one_line(exc)) from exc


def _read_up_to(handle: io.BufferedIOBase, size: int) -> bytes:
    # A truncated gzip raises EOFError only at its end; a short head is still a valid sample.
    chunks, remaining = [], size
    try:
        while remaining > 0:
            chunk = handle.read(remaining)
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except EOFError:
        if not chunks:
            raise
    return b"".join(chunks)


def sniff_kind(path: Path) -> FileKind:
    """The format of ``path`` from its extension, checked against (or, if unknown, found from) its content.

    Raises
    ------
    InputFileError
        The file is missing, a directory, empty, a known binary type, a legacy ``.xls``, or has
        an unknown extension and doesn't look like text.
    """
    check_file(path)
    suffixes = [s.lower() for s in path.suffixes]
    compression = _COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression:
        suffixes = suffixes[:-1]
    try:
        with path.open("rb") as handle:
            magic = handle.read(16)
    except OSError as exc:
        raise InputFileError("ingest.os_error", path=str(path), detail=one_line(exc)) from exc
    if magic.startswith(_GZIP):
        compression = "gzip"
    elif compression:  # named .gz but not gzip data
        raise InputFileError("ingest.corrupt_gzip", path=str(path), detail="not gzip data")
    head = read_head(path, compression) if compression else magic
    if not head:
        raise InputFileError("ingest.empty", path=str(path))
    by_name = _EXTENSIONS.get(suffixes[-1]) if suffixes else None
    by_content = _format_from_magic(path, head, compressed=compression is not None)
    if by_content is not None:
        if by_name in ("excel", "parquet") and by_name != by_content:
            _raise_corrupt(path, by_name, f"its content is a {by_content} file")
        return FileKind(by_content, compression)
    if by_name in ("excel", "parquet"):
        _raise_corrupt(path, by_name, "unrecognised content")
    if by_name is not None:
        return FileKind(by_name, compression)
    sample = read_head(path, compression)
    if looks_binary(sample):
        raise InputFileError(
            "ingest.unknown_format", path=str(path), extension="".join(path.suffixes) or "(none)"
        )
    first = sample.lstrip(codecs.BOM_UTF8).lstrip()[:1]
    if first == b"[":
        return FileKind("json", compression)
    if first == b"{":
        return FileKind("jsonl", compression)
    return FileKind("csv", compression)


def _format_from_magic(path: Path, head: bytes, *, compressed: bool) -> str | None:
    if head.startswith(_ZIP):
        return "excel"
    if head.startswith(_PARQUET) and (compressed or _tail(path) == _PARQUET):  # Parquet ends with PAR1 too
        return "parquet"
    if head.startswith(_OLE2):
        raise InputFileError("ingest.legacy_xls", path=str(path))
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            raise InputFileError("ingest.binary_kind", path=str(path), kind=kind)
    return None


def _tail(path: Path) -> bytes:
    with path.open("rb") as handle:
        handle.seek(-min(4, path.stat().st_size), 2)
        return handle.read()


def _raise_corrupt(path: Path, fmt: str, detail: str) -> None:
    key = "ingest.corrupt_excel" if fmt == "excel" else "ingest.corrupt_parquet"
    raise InputFileError(key, path=str(path), detail=detail)


def looks_binary(sample: bytes) -> bool:
    """True when ``sample`` has NUL bytes (and isn't UTF-16/32 with a BOM) or other control bytes."""
    if bom_encoding(sample) in ("utf-16", "utf-32"):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in range(1, 32) if b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 100)


def bom_encoding(sample: bytes) -> str | None:
    """The encoding announced by a byte-order mark at the start of ``sample``, if any."""
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    return None


def detect_encoding(path: Path, compression: str | None, head: bytes) -> str:
    """The text encoding of ``path``: from a BOM, else UTF-8 if samples decode strictly, else GB18030.

    ``head`` is the first :data:`SAMPLE_BYTES` of the (decompressed) file. For an uncompressed file
    a few more slices further in are checked, so a file whose first rows are ASCII but whose later
    rows are GBK is still recognised. GB18030 is a superset of GBK and GB2312. Text that is neither
    UTF-8 nor GB18030 is read as cp1252 (Western European), the last resort.
    """
    bom = bom_encoding(head)
    if bom:
        return bom
    samples = [_trim_utf8_end(head)]
    if compression is None:
        samples += _probe_slices(path)
    if all(_is_utf8(sample) for sample in samples):
        return "utf-8"
    if _decodes(head, "gb18030"):
        return "gb18030"
    return "cp1252" if _decodes(head, "cp1252") else "latin-1"


def _probe_slices(path: Path) -> list[bytes]:
    size = path.stat().st_size
    if size <= SAMPLE_BYTES:
        return []
    slices = []
    with path.open("rb") as handle:
        for i in range(1, _PROBES + 1):
            handle.seek(size * i // (_PROBES + 1))
            chunk = handle.read(SAMPLE_BYTES // 4)
            chunk = chunk.lstrip(bytes(range(0x80, 0xC0)))  # start on a character boundary
            slices.append(_trim_utf8_end(chunk))
    return slices


def _trim_utf8_end(sample: bytes) -> bytes:
    """``sample`` without a multi-byte character cut off at its end."""
    for back in range(1, min(4, len(sample)) + 1):
        byte = sample[-back]
        if byte < 0x80:
            return sample
        if byte >= 0xC0:  # lead byte: keep it only if its sequence is complete
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return sample if back >= need else sample[:-back]
    return sample


def _is_utf8(sample: bytes) -> bool:
    return _decodes(sample, "utf-8")


def _decodes(sample: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(sample, final=False)
    except UnicodeDecodeError:
        return False
    return True


def decode_sample(head: bytes, encoding: str) -> str:
    """``head`` decoded, ignoring a character cut off at the end."""
    decoder = codecs.getincrementaldecoder("utf-8-sig" if encoding == "utf-8" else encoding)("replace")
    return decoder.decode(head, final=False)


@dataclass(frozen=True)
class TextLayout:
    """How delimited text is laid out: ``delimiter``, title ``skip_lines`` above the header, ``header`` fields."""

    delimiter: str
    skip_lines: int
    header: list[str]


_MAX_TITLE_ROWS = 10


def sniff_delimiter(text: str, *, preferred: str | None = None) -> str:
    """The delimiter of delimited ``text``: the candidate that splits its rows most consistently.

    Each of comma, tab, semicolon and pipe is tried with a quote-aware parse of the sample (so
    delimiters inside quoted fields don't count); the winner gives the most rows the same field
    count (at least 2), then the most fields. ``preferred`` (tab for ``.tsv``) wins ties. A file
    with a single column gives ``preferred`` or comma.
    """
    complete = text[: text.rfind("\n") + 1] if "\n" in text else text
    order = ([preferred] if preferred else []) + [d for d in DELIMITERS if d != preferred]
    best: tuple[float, int, int] | None = None
    chosen = preferred or ","
    for rank, delimiter in enumerate(order):
        widths = [len(fields) for _, fields in _sample_rows(complete, delimiter)]
        width = _mode(widths)
        if width < 2:
            continue
        score = (widths.count(width) / len(widths), width, -rank)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def sniff_layout(text: str, *, delimiter: str | None = None, preferred: str | None = None) -> TextLayout:
    """Delimiter, title lines and header of delimited ``text`` (a decoded sample of the file).

    Exports often start with a title such as ``订单明细表`` or ``导出时间：2024-01-01`` above the
    header. Leading rows with at most one non-empty field, followed within
    :data:`_MAX_TITLE_ROWS` rows by the usual field count, are such titles: they are skipped and
    ``skip_lines`` counts the physical lines they (and blank lines among them) take.
    """
    delimiter = delimiter or sniff_delimiter(text, preferred=preferred)
    complete = text[: text.rfind("\n") + 1] if "\n" in text else text
    rows = _sample_rows(complete, delimiter) or _sample_rows(text, delimiter)
    if not rows:
        return TextLayout(delimiter, 0, [])
    width = _mode([len(fields) for _, fields in rows])
    header_at = 0
    if width >= 2:
        for index, (_, fields) in enumerate(rows[: _MAX_TITLE_ROWS + 1]):
            if len(fields) == width or sum(bool(f.strip()) for f in fields) > 1:
                header_at = index
                break
        else:
            header_at = 0
    start_line, header = rows[header_at]
    return TextLayout(delimiter, start_line - 1 if header_at else 0, header)


def _mode(values: list[int]) -> int:
    if not values:
        return 0
    counts = {value: values.count(value) for value in set(values)}
    return max(counts, key=lambda value: (counts[value], value))


def _sample_rows(text: str, delimiter: str, limit: int = 200) -> list[tuple[int, list[str]]]:
    """Up to ``limit`` non-empty records of ``text`` with the physical line (1-based) each starts on."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"', strict=False)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            if fields:
                rows.append((start, fields))
            start = reader.line_num + 1
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line (its type name if it has none)."""
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())
