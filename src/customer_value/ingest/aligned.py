"""Text whose columns are separated by spaces: fixed-width reports, and CDNOW's ``00004 00001 19970101  2  29.33``.

Two layouts are recognised from a sample of the file (:func:`sniff_aligned`):

- **Fixed width.** Every value sits in its column's span of character positions (numbers
  right-aligned, text left-aligned). The spans are the runs of positions where some data line of
  the sample has a character; the gaps between them are blank on every line. A value may contain
  single spaces (``John Smith``, ``New York``), and a value may be absent (a blank cell). Each
  word of a line belongs to the column under its middle; the words of one column are one value.
- **Space-separated.** Values separated by runs of spaces, not aligned (``1 19970101 1 11.77``):
  every line has the same number of values, none with a space inside.

Report title lines above it are skipped (at most two words each). The first line is the
header unless every value on it is a number or a date (CDNOW has no header): then the columns
are named ``column_1`` … ``column_N``. Header words are matched to the
columns in order when the header has one phrase (words joined by single spaces, phrases by two or
more) or one word per column, else by position. Tabs count as spaces to the next multiple of 8.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from customer_value.errors import InputFileError
from customer_value.ingest.detect import FileKind
from customer_value.ingest.raw import clean_headers, looks_like_data

_WORD = re.compile(r"\S+")
_PHRASE_GAP = re.compile(r"\s{2,}")
_CHUNK_ROWS = 100_000
#: Space-separated values are detected (not asked for) only with at least this many columns and
#: every line of the sample alike: two words per line are too often one value with a space.
_MIN_DETECTED = 3
_MAX_TITLE_LINES = 10
_MAX_TITLE_WORDS = 2


@dataclass(frozen=True)
class AlignedLayout:
    """Columns of space-aligned text.

    Attributes
    ----------
    header
        Column names as written; None when the file has no header line.
    cuts
        Fixed width: the positions between columns (a word whose middle is left of ``cuts[i]``
        belongs to a column up to ``i``). None for space-separated values.
    width
        Number of columns.
    titles
        Report title lines above the header (or the first row) to skip, blank lines not counted.
    """

    header: list[str] | None
    cuts: tuple[float, ...] | None
    width: int
    titles: int = 0


def sniff_aligned(text: str, *, asked: bool) -> AlignedLayout | None:
    """The column layout of space-aligned ``text`` (a decoded sample), or None if it has none.

    Parameters
    ----------
    text
        The start of the file; a last line cut off by the sample's end is ignored.
    asked
        True when the user asked for whitespace (``--delimiter whitespace``): two space-separated
        columns, or lines that differ in count (reported when read), are then accepted.
    """
    complete = text[: text.rfind("\n") + 1] if "\n" in text else text
    lines = [line.expandtabs(8).rstrip() for line in complete.splitlines()]
    lines = [line for line in lines if line.strip()]
    titles = _title_lines(lines)
    lines = lines[titles:]
    if not lines:
        return None
    has_header = not looks_like_data(lines[0].split())
    data = lines[1:] if has_header else lines
    if not data:
        return None
    spans = _spans(data)
    if len(spans) >= 2:
        cuts = tuple((end + start) / 2 for (_, end), (start, _) in zip(spans, spans[1:], strict=False))
        header = _header_cells(lines[0], cuts) if has_header else None
        return AlignedLayout(header=header, cuts=cuts, width=len(spans), titles=titles)
    counts = Counter(len(line.split()) for line in data)
    width, lines_alike = counts.most_common(1)[0]
    header = lines[0].split() if has_header else None
    if header is not None and len(header) != width:
        return None
    if (asked and width >= 2) or (width >= _MIN_DETECTED and lines_alike == len(data)):
        return AlignedLayout(header=header, cuts=None, width=width, titles=titles)
    return None


def _title_lines(lines: list[str]) -> int:
    """How many leading lines are report titles (``订单明细表``, ``导出时间：…``) above the header.

    A title has at most :data:`_MAX_TITLE_WORDS` words and no run of two spaces, and the lines
    below it have at least :data:`_MIN_DETECTED` words; at most :data:`_MAX_TITLE_LINES` are skipped.
    """
    counts = Counter(len(line.split()) for line in lines[_MAX_TITLE_LINES:] or lines)
    if counts.most_common(1)[0][0] < _MIN_DETECTED:
        return 0
    titles = 0
    for line in lines[:_MAX_TITLE_LINES]:
        if len(line.split()) > _MAX_TITLE_WORDS or _PHRASE_GAP.search(line.strip()):
            break
        titles += 1
    return titles if titles < len(lines) else 0


def _spans(lines: list[str]) -> list[tuple[int, int]]:
    """Runs of character positions (start, last) where some line has a non-space character."""
    occupied = bytearray(max(len(line) for line in lines))
    for line in lines:
        for word in _WORD.finditer(line):
            occupied[word.start() : word.end()] = b"\x01" * (word.end() - word.start())
    spans, start = [], None
    for position, filled in enumerate(occupied):
        if filled and start is None:
            start = position
        elif not filled and start is not None:
            spans.append((start, position - 1))
            start = None
    if start is not None:
        spans.append((start, len(occupied) - 1))
    return spans


def _header_cells(line: str, cuts: tuple[float, ...]) -> list[str]:
    """Header names per column: phrases or words in order when they fit, else by position."""
    width = len(cuts) + 1
    phrases = [p for p in _PHRASE_GAP.split(line.strip()) if p]
    if len(phrases) == width:
        return phrases
    words = line.split()
    if len(words) == width:
        return words
    return [cell or "" for cell in _fixed_cells(line, cuts)]


def _fixed_cells(line: str, cuts: tuple[float, ...]) -> list[str | None]:
    """The values of one fixed-width line, one per column (None where the column is blank)."""
    bounds: list[list[int] | None] = [None] * (len(cuts) + 1)
    for word in _WORD.finditer(line):
        column = bisect.bisect_right(cuts, (word.start() + word.end() - 1) / 2)
        known = bounds[column]
        if known is None:
            bounds[column] = [word.start(), word.end()]
        else:
            known[1] = word.end()
    return [None if b is None else line[b[0] : b[1]] for b in bounds]


def read_aligned(
    path: Path, layout: AlignedLayout, lines: Iterator[str], *, null_markers: frozenset[str]
) -> pa.Table:
    """All rows of a space-aligned file as a table of ``string`` columns.

    Parameters
    ----------
    path
        The file (for messages).
    layout
        Its layout (:func:`sniff_aligned`).
    lines
        Its decoded lines, streamed.
    null_markers
        Values that become null (as for delimited text); blank cells are null too.

    Raises
    ------
    InputFileError
        No data rows; a space-separated line with another number of values than the header
        (with its line number).
    """
    names = clean_headers(layout.header or [""] * layout.width)
    columns: list[list[str | None]] = [[] for _ in names]
    batches: list[pa.RecordBatch] = []
    header_pending = layout.header is not None
    titles = layout.titles
    for number, raw_line in enumerate(lines, start=1):
        line = raw_line.rstrip("\r\n").expandtabs(8).rstrip()
        if not line.strip():
            continue
        if titles:
            titles -= 1
            continue
        if header_pending:
            header_pending = False
            continue
        if layout.cuts is not None:
            cells = _fixed_cells(line, layout.cuts)
        else:
            cells = line.split()
            if len(cells) != layout.width:
                raise InputFileError(
                    "ingest.ragged", path=str(path), line=number, actual=len(cells), expected=layout.width
                )
        for column, cell in zip(columns, cells, strict=True):
            column.append(None if cell is None or cell in null_markers else cell)
        if len(columns[0]) >= _CHUNK_ROWS:
            batches.append(_batch(columns, names))
            columns = [[] for _ in names]
    if columns[0] or not batches:
        batches.append(_batch(columns, names))
    table = pa.Table.from_batches(batches)
    if table.num_rows == 0:
        raise InputFileError("ingest.no_rows", path=str(path))
    return table


def _batch(columns: list[list[str | None]], names: list[str]) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in columns], names=names)
