"""Properties: whatever a CSV writer produces, read_file gives back (cells, headers, encodings, delimiters).

Side note on speed (measured by hand, not asserted; 2-core dev machine shared with other jobs):
a generated 1,000,000-row, 8-column orders CSV (客户编号, 订单号, 下单时间, 实付金额, 订单状态, 手机,
地区, 备注; quoted notes) reads with ``read_file`` (sha256 fingerprint included) in
- UTF-8, 97 MB: 0.5-0.75 s CPU; wall 0.2-0.8 s on an idle machine, 0.6-2.7 s at load average 6-7;
- GBK, 85 MB (detected, transcoded to UTF-8 while streaming): 1.0-1.3 s CPU; wall 0.65-1.0 s idle,
  2.3-3.8 s under load; the same file gzip-compressed: 1.1-1.3 s CPU.
Peak RSS is about 400 MB, of which about 200 MB is the interpreter and imports; the Arrow table
itself is 114 MB.
"""

from __future__ import annotations

import csv
import io
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from customer_value.ingest import NULL_MARKERS, read_file

_CELL_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\r\t,;|\"' 　￥，"
)
_HEADER = st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo")), min_size=1, max_size=8)


@st.composite
def _tables(draw):
    width = draw(st.integers(2, 5))
    headers = draw(st.lists(_HEADER, min_size=width, max_size=width, unique_by=str.casefold))
    cell = st.one_of(st.text(_CELL_CHARS, max_size=12), st.sampled_from(["", "NA", "0012", "1.2万", "2024年3月5日"]))
    rows = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=1, max_size=20))
    return headers, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    table=_tables(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "gb18030"]),
)
def test_written_csv_reads_back(tmp_path, table, delimiter, encoding):
    headers, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path = tmp_path / f"t{random.random()}.csv"
    path.write_bytes(buffer.getvalue().encode(encoding))
    # GB18030 bytes of a short text can also be valid UTF-8, so that one is named, not guessed.
    raw = read_file(path, encoding="gb18030" if encoding == "gb18030" else None)
    assert raw.delimiter == delimiter
    assert raw.table.column_names == headers
    expected = {h: [None if row[i] in NULL_MARKERS else row[i] for row in rows] for i, h in enumerate(headers)}
    assert raw.table.to_pydict() == expected


def test_large_gbk_file_reads_like_its_utf8_twin(tmp_path):
    """Several 4 MB blocks: multi-byte characters split between blocks must survive transcoding."""
    rng = random.Random(0)
    notes = ["老客户，复购", "", "地址：朝阳区建国路88号", "𠀀䶮 rare", 'quote "x"', "NA"]
    lines = ["客户编号,下单时间,实付金额,备注"]
    lines += [
        f"C{rng.randrange(10**6):06d},2024-{rng.randint(1, 12):02d}-01,{rng.randint(1, 10**6) / 100},"
        f'"{rng.choice(notes).replace(chr(34), chr(34) * 2)}"'
        for _ in range(200_000)
    ]
    text = "\n".join(lines) + "\n"
    utf8, gbk = tmp_path / "u.csv", tmp_path / "g.csv"
    utf8.write_bytes(text.encode("utf-8"))
    gbk.write_bytes(text.encode("gb18030"))
    a, b = read_file(utf8), read_file(gbk)
    assert (a.encoding, b.encoding) == ("utf-8", "gb18030")
    assert a.table.num_rows == 200_000
    assert a.table.equals(b.table)
