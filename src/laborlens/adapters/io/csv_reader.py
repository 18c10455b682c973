"""CSV/TSV rows that never swallow the rest of a file silently.

Python's :mod:`csv` (like Excel) lets a quoted field run over line breaks. A stray ``"`` at the
start of a field therefore opens a field that eats every following line until the next quote
somewhere below, or to the end of the file: a thousand rows in, two records out, no error.

This reader feeds :mod:`csv` one physical line at a time and keeps the raw lines of the record
being read. A record that spans several lines is checked: the quoted field holding the line break
must close properly (its closing quote followed by the delimiter or the end of the line). When it
does not — it runs to the end of the file, past :data:`MAX_QUOTED_LINES` lines, or its "closing"
quote is followed by more text (that quote was another stray one) — the opening quote is taken as
a literal character, the lines are read again, and the row where the quote opened gets an error
naming that line. Every other row is screened as usual.

A line :mod:`csv` rejects (a field over 16 MiB) becomes one row with an error naming the line.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["MAX_QUOTED_LINES", "CsvRow", "read_csv_rows", "sniff_delimiter"]

#: A quoted field spanning more lines than this is taken as a quote that never closes.
MAX_QUOTED_LINES = 1000
FIELD_LIMIT = 16 * 1024 * 1024
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(slots=True)
class CsvRow:
    """One record: its cells, the line it starts on, and problems found while splitting it."""

    cells: list[str]
    line: int
    problems: list[str] = field(default_factory=list)


class _RunawayQuoteError(Exception):
    """A quoted field has run past MAX_QUOTED_LINES lines."""


class _Lines:
    """Physical lines with their numbers; lines pushed back are read again first."""

    def __init__(self, text: Iterator[str]) -> None:
        self._source = text
        self.pending: deque[tuple[int, str]] = deque()
        self.number = 0  # the number of the last line handed out
        self.record: list[tuple[int, str]] = []  # the lines of the record being read
        self.eof = False  # the source ran out while csv asked for more (inside a quoted field)

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if len(self.record) >= MAX_QUOTED_LINES:
            raise _RunawayQuoteError
        if self.pending:
            self.number, line = self.pending.popleft()
        else:
            try:
                line = next(self._source)
            except StopIteration:
                self.eof = True
                raise
            self.number += 1
        self.record.append((self.number, line))
        return line

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self.pending.extendleft(reversed(lines))


def _quote_problem(raw: str, delimiter: str) -> tuple[int, int | None] | None:
    """A quote that opens a multi-line field which does not close properly: its offset and the
    offset of the quote that ended it (``None``: it never closes). ``None`` when every quoted
    field spanning a line break closes properly."""
    i, n, at_start = 0, len(raw), True
    while i < n:
        c = raw[i]
        if at_start and c == '"':
            opened, j = i, i + 1
            while True:
                j = raw.find('"', j)
                if j < 0:
                    return opened, None
                if raw.startswith('""', j):
                    j += 2
                    continue
                break
            inner = raw[opened:j]
            if ("\n" in inner or "\r" in inner) and raw[j + 1 : j + 2] not in (
                delimiter,
                "\n",
                "\r",
                "",
            ):
                return opened, j
            i, at_start = j + 1, False
            continue
        at_start = c in (delimiter, "\n", "\r")
        i += 1
    return None


def _literal_quote(line: str, column: int, delimiter: str) -> str:
    """``line`` with the field opening at ``column`` quoted so that its quote is a character."""
    end = line.find(delimiter, column)
    stop = len(line.rstrip("\r\n"))
    end = stop if end < 0 or end > stop else end
    text = line[column:end]
    return line[:column] + '"' + text.replace('"', '""') + '"' + line[end:]


def _locate(record: list[tuple[int, str]], offset: int) -> tuple[int, int]:
    """(index in ``record``, column in that line) of a character offset into the joined text."""
    for index, (_, line) in enumerate(record):
        if offset < len(line):
            return index, offset
        offset -= len(line)
    return len(record) - 1, len(record[-1][1])


def read_csv_rows(text: Iterator[str], delimiter: str) -> Iterator[CsvRow]:
    """Split a text stream into records (blank records skipped), repairing stray quotes."""
    csv.field_size_limit(max(csv.field_size_limit(), FIELD_LIMIT))
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    notes: dict[int, str] = {}  # line number -> problem, attached to the row holding it
    while True:
        lines.record = []
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _RunawayQuoteError:
            cells = None
        except csv.Error as exc:
            start = lines.record[0][0] if lines.record else lines.number
            yield CsvRow([], start, [f"line {start}: not valid CSV ({exc}); row not screened"])
            continue
        record = lines.record
        if cells is not None and len(record) < 2 and not lines.eof:
            if any(c.strip() for c in cells):
                yield CsvRow(cells, record[0][0], _pop(notes, record))
            continue
        problem = _quote_problem("".join(line for _, line in record), delimiter)
        if problem is None and cells is not None:
            if any(c.strip() for c in cells):
                yield CsvRow(cells, record[0][0], _pop(notes, record))
            continue
        opened, closed = problem if problem else (0, None)
        index, column = _locate(record, opened)
        number, line = record[index]
        why = (
            "it is never closed"
            if closed is None
            else f"the quote that ends it, on line {record[_locate(record, closed)[0]][0]}, "
            "is followed by more text"
        )
        notes[number] = (
            f"line {number}: a quoted field opens here but {why}; the quote was read as a "
            "character so that the lines below it are read as rows"
        )
        record[index] = (number, _literal_quote(line, column, delimiter))
        lines.push_back(record)
        lines.eof = False


def _pop(notes: dict[int, str], record: list[tuple[int, str]]) -> list[str]:
    if not notes:
        return []
    return [notes.pop(n) for n, _ in record if n in notes]


def sniff_delimiter(head: str, fmt: str) -> str:
    """The delimiter that splits a header naming a column to screen out of the first lines.

    The header decides, not the data: unquoted commas inside addresses must not outvote the
    semicolons of a European export. Among delimiters giving such a header, the one whose header
    comes first (title rows may precede it) and has most columns wins; when none does, the
    delimiter used most in the first line.
    """
    from laborlens.adapters.io.rows import HEADER_SCAN
    from laborlens.core.records import ColumnMap

    if fmt == "tsv":
        return "\t"
    lines = [line for line in head.splitlines()[: HEADER_SCAN * 2] if line.strip()]
    lines = lines[:HEADER_SCAN]
    best: tuple[int, int] | None = None
    chosen = ""
    for delimiter in _DELIMITERS:
        try:
            parsed = list(csv.reader(lines, delimiter=delimiter))
        except csv.Error:
            continue
        for position, cells in enumerate(parsed):
            if len(cells) > 1 and ColumnMap.from_headers(cells).has_screenable_column():
                rank = (position, -len(cells))
                if best is None or rank < best:
                    best, chosen = rank, delimiter
                break
    if chosen:
        return chosen
    first = lines[0] if lines else ""
    counts = {d: first.count(d) for d in _DELIMITERS}
    top = max(counts, key=lambda d: counts[d])
    return top if counts[top] else ","
