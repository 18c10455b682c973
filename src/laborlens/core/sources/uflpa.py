"""The DHS UFLPA Entity List page (www.dhs.gov/uflpa-entity-list): HTML text in, entries out.

The page has one table per statutory section that names entities — today (i), (ii) and (v);
section (iv) holds a sentence instead of a table — each introduced by a paragraph ending in
``Section 2(d)(2)(B)(x)``. A table's header is ``Name of Entity | Effective Date`` or
``Entity Name | Effective Date``. Aliases and former names sit in a parenthesis at the end of
the name cell (``(also known as A; B; and C)``, ``(and two aliases: A; and B)``, ``(formerly
known as A)``, ``(XPCC)``), scope words after it (``and subsidiaries``, ``and its subordinate
and affiliated entities``).

One entity may appear in several sections, with a different date in each and a slightly
different spelling (``Xinjiang Daqo New Energy, Co. Ltd`` / ``... Co., Ltd.``): rows are merged
on :func:`~laborlens.core.sources.common.name_key`. The entity's listing date is its earliest
row date; a name first printed on a later row applies from that row's date. A revised row (a
rename) carries the date of the revision; ``resources/lists/uflpa_history.yaml`` restores the
first listing date and the earlier name of such entities, and the names the revised row prints
apply from that first date (they name the entity that was already listed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from html.parser import HTMLParser
from typing import Any

from laborlens.core import resources
from laborlens.core.sources.common import SourceError, entry, name_key, parse_day, slug

LIST_ID = "us_uflpa_entity_list"
URL = "https://www.dhs.gov/uflpa-entity-list"

SECTIONS = ("i", "ii", "iii", "iv", "v")
_SECTION = re.compile(r"Section\s+2\s*\(d\)\s*\(2\)\s*\(B\)\s*\((i{1,3}|iv|v)\)", re.I)
_HEADERS = ("name of entity", "entity name")
_UPDATED = re.compile(r"Last\s+Updated:?\s*(\d{1,2}/\d{1,2}/\d{4})", re.I)

#: A page that parses to fewer entities than this is not the list (a changed layout).
MIN_ENTITIES = 20


def clause(section: str) -> str:
    """The programme label of a section: ``2(d)(2)(B)(v)``."""
    return f"2(d)(2)(B)({section})"


@dataclass
class _Table:
    section: str | None
    rows: list[list[str]] = field(default_factory=list)
    closed: bool = False


class _Page(HTMLParser):
    """The tables of the page (rows of cell texts), each with the section label before it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.text: list[str] = []
        self._section: str | None = None
        self._depth = 0
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._outside: list[str] = []

    def _flush_outside(self) -> None:
        text = " ".join("".join(self._outside).split())
        self._outside = []
        if text:
            self.text.append(text)
            found = _SECTION.findall(text)
            if found:
                self._section = found[-1].lower()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._flush_outside()
            self._depth += 1
            if self._depth == 1:
                self.tables.append(_Table(self._section))
                self._section = None
        elif tag == "tr" and self._depth:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("p", "div", "br", "h2", "h3", "h4", "li") and not self._depth:
            self._outside.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row and self.tables:
                self.tables[-1].rows.append(self._row)
            self._row = None
        elif tag == "table" and self._depth:
            self._depth -= 1
            if self._depth == 0 and self.tables:
                self.tables[-1].closed = True

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif not self._depth:
            self._outside.append(data)

    def close(self) -> None:
        super().close()
        self._flush_outside()


# --- the name cell -----------------------------------------------------------------------------

_SCOPE = re.compile(
    r",?\s*\(?\s*(?:and|including)\s+(?:its\s+|their\s+)?"
    r"(subsidiaries|subordinate and affiliated entities)\s*\)?\s*$",
    re.I,
)
_MARKER = re.compile(
    r"(?:;\s*)?(?:,\s*)?(?:\band\s+)?(?:(also known as)|(formerly known as)|"
    r"(?:including|and)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+alias(?:es)?:)",
    re.I,
)
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,11}$")
_LEGAL_END = re.compile(
    r"(?:\bCo\.?|\bLtd\.?|\bInc\.?|\bLimited|\bCorporation|\bCorp\.?|\bCompany|\bLLC|\bS\.A\.)$"
)


@dataclass(frozen=True)
class Cell:
    """A parsed name cell: the name, its aliases and former names, and its scope words."""

    name: str
    aliases: tuple[str, ...]
    former: tuple[str, ...]
    scope: str


def _trailing_paren(text: str) -> tuple[str, str] | None:
    """``(head, inner)`` when ``text`` ends with a balanced parenthesis, else None."""
    if not text.endswith(")"):
        return None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return text[:i].rstrip(), text[i + 1 : -1].strip()
    return None


def _split_names(segment: str) -> list[str]:
    """Names in one alias segment: ``A; B; and C`` / ``A Co. and B Co.``."""
    out: list[str] = []
    for part in re.split(r"\s*;\s*", segment):
        part = re.sub(r"^(?:and|or)\s+", "", part.strip(" ,;"), flags=re.I).strip(" ,;")
        if not part:
            continue
        # "A Co. and B": split on " and " only after a legal form (names hold "and" too)
        pieces = [part]
        m = re.search(r"^(.+?)\s+and\s+(.+)$", part)
        while m and _LEGAL_END.search(m.group(1).rstrip(",")):
            pieces[-1:] = [m.group(1).rstrip(","), m.group(2)]
            m = re.search(r"^(.+?)\s+and\s+(.+)$", pieces[-1])
        out.extend(p.strip(" ,;") for p in pieces if p.strip(" ,;"))
    return out


def parse_cell(text: str) -> Cell:
    """Split a name cell into name, aliases, former names and scope."""
    text = " ".join(text.split())
    scope = ""
    m = _SCOPE.search(text)
    if m:
        scope = m.group(1).lower()
        text = text[: m.start()].rstrip(" ,")
    aliases: list[str] = []
    former: list[str] = []
    paren = _trailing_paren(text)
    if paren is not None:
        head, inner = paren
        markers = list(_MARKER.finditer(inner))
        if markers and markers[0].start() == 0:
            for k, mk in enumerate(markers):
                end = markers[k + 1].start() if k + 1 < len(markers) else len(inner)
                names = _split_names(inner[mk.end() : end])
                (former if mk.group(2) else aliases).extend(names)
            text = head
        elif _ACRONYM.match(inner):
            aliases.append(inner)
            text = head
    if not scope:  # "X (including one alias: Y) and subsidiaries" has the scope after the note
        m = _SCOPE.search(text)
        if m:
            scope = m.group(1).lower()
            text = text[: m.start()].rstrip(" ,")
    return Cell(text.strip(" ,"), tuple(aliases), tuple(former), scope)


# --- rows to entities --------------------------------------------------------------------------


@dataclass
class _Entity:
    key: str
    rows: list[tuple[str, date, Cell, str]] = field(default_factory=list)  # section, day, cell, raw


def _tables(html: str, source: str) -> tuple[list[tuple[str, list[list[str]]]], date | None]:
    page = _Page()
    page.feed(html)
    page.close()
    updated = None
    for text in page.text:
        m = _UPDATED.search(text)
        if m:
            updated = parse_day(m.group(1))
    found: list[tuple[str, list[list[str]]]] = []
    for n, table in enumerate(page.tables, start=1):
        header = [c.strip().lower() for c in table.rows[0]] if table.rows else []
        if len(header) < 2 or header[0] not in _HEADERS or header[1] != "effective date":
            if table.section is None:
                continue  # a layout table of the site, not a list table
            raise SourceError(
                f"{source}: table {n} (section {table.section}): expected the header "
                f"'Name of Entity' or 'Entity Name' | 'Effective Date', found {table.rows[:1]}"
            )
        if table.section is None:
            raise SourceError(
                f"{source}: table {n}: expected a 'Section 2(d)(2)(B)(…)' label before the "
                f"table, found none; the page layout may have changed"
            )
        if not table.closed:
            raise SourceError(
                f"{source}: table {n} (section {table.section}) ends without '</table>' after "
                f"{len(table.rows) - 1} rows: the page is truncated"
            )
        if any(s == table.section for s, _ in found):
            raise SourceError(f"{source}: section ({table.section}) has two tables")
        found.append((table.section, table.rows[1:]))
    if not found:
        raise SourceError(
            f"{source}: expected entity tables headed 'Name of Entity' or 'Entity Name' | "
            f"'Effective Date' after 'Section 2(d)(2)(B)(…)' labels, found "
            f"{len(page.tables)} table(s) and none of them; the page layout may have changed"
        )
    return found, updated


def read_rows(html: str, source: str = URL) -> tuple[list[_Entity], date | None, int]:
    """The page's rows grouped by entity, the page's "Last Updated" date and the row count."""
    tables, updated = _tables(html, source)
    entities: dict[str, _Entity] = {}
    count = 0
    for section, rows in tables:
        if not rows:
            raise SourceError(f"{source}: section ({section}) table has no rows")
        for n, row in enumerate(rows, start=2):
            where = f"{source}: section ({section}) table row {n}"
            if len(row) < 2 or not row[0].strip():
                raise SourceError(f"{where}: expected a name and a date, found {row}")
            day = parse_day(row[1])
            if day is None:
                raise SourceError(
                    f"{where}: expected a date like 'June 21, 2022', found {row[1]!r}"
                )
            cell = parse_cell(row[0])
            if not cell.name:
                raise SourceError(f"{where}: no entity name in {row[0]!r}")
            key = name_key(cell.name)
            entities.setdefault(key, _Entity(key)).rows.append((section, day, cell, row[0]))
            count += 1
    return list(entities.values()), updated, count


@cache
def _history() -> dict[str, dict[str, Any]]:
    doc = resources.read_yaml("lists/uflpa_history.yaml") or {}
    return {name_key(str(e["entity"])): e for e in doc.get("events") or ()}


@cache
def _notices() -> dict[date, dict[str, Any]]:
    doc = resources.read_yaml("lists/uflpa_notices.yaml") or {}
    return {n["effective"]: n for n in doc.get("notices") or ()}


def _notice_text(day: date) -> str:
    n = _notices().get(day)
    if not n or not n.get("document"):
        return ""
    cite = f", {n['citation']}" if n.get("citation") else ""
    checked = "" if n.get("checked") else " (number not checked against the notice)"
    return f"FR Doc. {n['document']}{cite}{checked}"


def _to_entry(ent: _Entity, source: str) -> dict[str, Any]:
    rows = sorted(ent.rows, key=lambda r: r[1])
    listed = rows[0][1]
    first: dict[str, date] = {}  # name key -> the first date a name with that key was listed
    former: list[str] = []
    aliases: list[str] = []
    notes = []
    event = _history().get(ent.key)
    if event:
        listed = min(listed, event["listed_since"])
        if event.get("earlier_name"):
            earlier = str(event["earlier_name"])
            former.append(earlier)
            first[name_key(earlier)] = event["listed_since"]
        notes.append(f"{event['kind']} on {event['date']}: {event['source']}")
    for _, day, cell, _raw in rows:
        if event and day == event["date"]:
            # the revised row names the entity listed since listed_since (a correction)
            day = event["listed_since"]
        for text in (cell.name, *cell.aliases, *cell.former):
            key = name_key(text)
            first[key] = min(first.get(key, day), day)
        aliases.extend(a for a in cell.aliases if a not in aliases)
        former.extend(f for f in cell.former if f not in former)
    names = [rows[-1][2].name, *aliases, *former]
    for _, _, cell, _ in rows:
        if cell.name not in names:
            aliases.append(cell.name)  # another spelling of the name on an earlier row
            names.append(cell.name)
    sections = sorted({r[0] for r in rows}, key=SECTIONS.index)
    props = {
        f"listed_{clause(s)}": min(r[1] for r in rows if r[0] == s).isoformat() for s in sections
    }
    props["names_as_published"] = " | ".join(dict.fromkeys(r[3] for r in rows))
    props["federal_register_notices"] = "; ".join(
        f"{d.isoformat()}: {t}"
        for d in sorted({listed, *(r[1] for r in rows)})
        if (t := _notice_text(d))
    )
    props["scope"] = next((r[2].scope for r in rows if r[2].scope), "")
    props["history"] = "; ".join(notes)
    since = {n: first[name_key(n)] for n in names}
    return entry(
        LIST_ID,
        f"uflpa-{slug(rows[0][2].name)}",
        names[0],
        aliases=aliases,
        former_names=former,
        countries=["CN"],
        programs=[clause(s) for s in sections],
        effective_date=listed.isoformat(),
        subsidiaries=bool(props["scope"]),
        properties=props,
        name_since={n: d.isoformat() for n, d in since.items() if d > listed},
        source=source,
    )


def parse_uflpa_html(html: str, source: str = URL) -> list[dict[str, Any]]:
    """Entries of the DHS UFLPA Entity List page, one per entity (see the module docstring).

    Raises:
        SourceError: the page has no list table, a table lacks its section label or header, a
            row lacks a name or a date, or fewer than :data:`MIN_ENTITIES` entities are found.
    """
    entities, updated, _ = read_rows(html, source)
    if len(entities) < MIN_ENTITIES:
        raise SourceError(
            f"{source}: expected at least {MIN_ENTITIES} entities, found {len(entities)}; "
            "the page may be truncated"
        )
    out = [_to_entry(e, source) for e in entities]
    for e in out:
        if updated:
            e["properties"]["page_last_updated"] = updated.isoformat()
    return sorted(out, key=lambda e: e["entry_id"])


def page_last_updated(html: str) -> date | None:
    """The page's "Last Updated" date, when it prints one."""
    m = _UPDATED.search(" ".join(re.sub(r"<[^>]+>", " ", html).split()))
    return parse_day(m.group(1)) if m else None
