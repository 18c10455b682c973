"""JSON inputs: JSON Lines, and ``.json`` files holding an array of objects, an object that wraps
such an array (``{"suppliers": [...]}``), one object, or objects one after another.

Arrays are streamed: values are cut out of a sliding text buffer with the standard library's
``json.JSONDecoder.raw_decode``, one element at a time, so a large file is never loaded whole and
every syntax error names its line and column. A syntax error ends the file (no JSON parser can
tell where the next element starts after one); :func:`check_json` runs the same scan without
building records, so that such a file is refused before any output is written.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any, TextIO

from laborlens.adapters.io.encoding import InputError

__all__ = ["JsonItem", "JsonScanner", "json_items", "jsonl_items"]

_CHUNK = 1 << 16
_WHITESPACE = " \t\r\n"
_DECODER = json.JSONDecoder()

#: (1-based element number, line where it starts, the value or None, a problem or None)
JsonItem = tuple[int, int, dict[str, Any] | None, str | None]


class JsonScanner:
    """Values and punctuation of a JSON text, read in chunks, with line/column positions."""

    def __init__(self, text: TextIO, name: str) -> None:
        self._text = text
        self._name = name
        self._buf = ""
        self._pos = 0
        self._line = 1  # line of self._buf[0]
        self._line_start = 0  # offset in self._buf where the line of self._buf[0] starts (<= 0)
        self._eof = False

    def _fill(self, size: int = _CHUNK) -> bool:
        if self._eof:
            return False
        if self._pos > _CHUNK:
            dropped = self._buf[: self._pos]
            breaks = dropped.count("\n")
            if breaks:
                self._line += breaks
                self._line_start = dropped.rfind("\n") + 1 - self._pos
            else:
                self._line_start -= self._pos
            self._buf = self._buf[self._pos :]
            self._pos = 0
        chunk = self._text.read(size)
        if not chunk:
            self._eof = True
            return False
        self._buf += chunk.lstrip("\ufeff") if not self._buf and self._line == 1 else chunk
        return True

    def where(self, offset: int | None = None) -> tuple[int, int]:
        """(line, column), 1-based, of an offset into the buffer (default: the position)."""
        at = self._pos if offset is None else offset
        breaks = self._buf.count("\n", 0, at)
        if breaks:
            return self._line + breaks, at - self._buf.rfind("\n", 0, at)
        return self._line, at - self._line_start + 1

    def fail(self, message: str, offset: int | None = None) -> InputError:
        line, column = self.where(offset)
        return InputError(f"{self._name}: line {line}, column {column}: {message}")

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end of the text)."""
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._fill():
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            raise self.fail(f"not valid JSON: expected '{char}', found '{found[:20]}'")
        self._pos += 1

    def value(self) -> Any:
        """The next JSON value."""
        self.peek()
        size = _CHUNK
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._fill(size):
                    size *= 2
                    continue
                raise self.fail(f"not valid JSON ({exc.msg})", exc.pos) from None
            except (ValueError, RecursionError) as exc:  # a 5,000-digit number, deep nesting
                raise self.fail(f"not usable JSON ({exc})") from None
            if end == len(self._buf) and self._fill(size):
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def line(self) -> int:
        self.peek()
        return self.where()[0]

    def first_line(self) -> str:
        """The text from the position to the end of its line (read ahead as needed)."""
        self.peek()
        while "\n" not in self._buf[self._pos :] and self._fill():
            pass
        end = self._buf.find("\n", self._pos)
        return self._buf[self._pos : end if end >= 0 else len(self._buf)]


def _as_item(number: int, line: int, value: Any) -> JsonItem:
    if isinstance(value, dict):
        return number, line, value, None
    return number, line, None, f"line {line}: expected a JSON object, got {_kind(value)}"


def _kind(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")


def _elements(scan: JsonScanner) -> Iterator[tuple[int, Any]]:
    """(line, value) of each element of an array whose '[' was just taken; takes the ']'."""
    if scan.peek() == "]":
        scan.take("]")
        return
    while True:
        line = scan.line()
        yield line, scan.value()
        if scan.peek() == ",":
            scan.take(",")
            continue
        scan.take("]")
        return


def _array(scan: JsonScanner) -> Iterator[JsonItem]:
    scan.take("[")
    for number, (line, value) in enumerate(_elements(scan), start=1):
        yield _as_item(number, line, value)


def _wrapped(scan: JsonScanner, notes: list[str]) -> Iterator[JsonItem]:
    """An object: the first member that is an array of objects gives the rows; without one the
    object itself is the only row. Streamed: the array is never held whole."""
    line = scan.line()
    scan.take("{")
    members: dict[str, Any] = {}
    chosen: str | None = None
    first_member = True
    while scan.peek() != "}":
        if not first_member:
            scan.take(",")
        first_member = False
        key = scan.value()
        if not isinstance(key, str):
            raise scan.fail("not valid JSON: an object key must be a string")
        scan.take(":")
        if chosen is None and scan.peek() == "[":
            scan.take("[")
            if scan.peek() == "{":
                chosen = key
                notes.append(f"rows read from the array '{key}'")
                for number, (at, value) in enumerate(_elements(scan), start=1):
                    yield _as_item(number, at, value)
            else:
                members[key] = [value for _, value in _elements(scan)]
            continue
        members[key] = scan.value()
    scan.take("}")
    if chosen is None:
        yield 1, line, members, None


def json_items(text: TextIO, name: str, notes: list[str]) -> Iterator[JsonItem]:
    """The rows of a ``.json`` file (see the module notes); ``notes`` gets how they were found."""
    scan = JsonScanner(text, name)
    first = scan.peek()
    if first == "[":
        yield from _array(scan)
    elif first == "{" and _is_object(scan.first_line()):
        yield from _objects(scan, notes)
    elif first == "{":
        yield from _wrapped(scan, notes)
    elif first:
        raise scan.fail("expected a JSON array of objects or an object")
    if scan.peek():
        raise scan.fail("not valid JSON: more text after the end of the data")


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except (ValueError, RecursionError):
        return False


def _objects(scan: JsonScanner, notes: list[str]) -> Iterator[JsonItem]:
    """The first line is a whole object: objects one per line (JSON Lines saved as .json), or
    one object on one line (maybe a wrapper, read from memory: it is one line)."""
    line = scan.line()
    obj = scan.value()
    if not scan.peek():
        inner = JsonScanner(io.StringIO(json.dumps(obj, ensure_ascii=False)), "")
        for number, _, value, problem in _wrapped(inner, notes):
            yield number, line, value, problem
        return
    notes.append("one JSON object after another: each is a row")
    number = 1
    yield _as_item(number, line, obj)
    while scan.peek():
        number += 1
        line = scan.line()
        yield _as_item(number, line, scan.value())


def check_json(text: TextIO, name: str) -> int:
    """Scan a whole ``.json`` file without building records; the number of rows.

    Raises:
        InputError: a syntax error, naming the line and column.
    """
    return sum(1 for _ in json_items(text, name, []))


def jsonl_items(text: TextIO) -> Iterator[JsonItem]:
    """The rows of a JSON Lines file: one per non-blank line; a bad line is a row with a problem."""
    number = 0
    for line_no, line in enumerate(text, start=1):
        if not line.strip():
            continue
        number += 1
        try:
            value = json.loads(line.lstrip("\ufeff"))
        except json.JSONDecodeError as exc:
            problem = f"line {line_no}: not valid JSON ({exc.msg} at character {exc.pos + 1})"
            yield number, line_no, None, problem
            continue
        except (ValueError, RecursionError) as exc:  # a 5,000-digit number, deep nesting
            yield number, line_no, None, f"line {line_no}: not usable JSON ({exc})"
            continue
        yield _as_item(number, line_no, value)
