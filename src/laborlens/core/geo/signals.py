"""The explained pieces of evidence the geo layer's feature functions produce.

A :class:`Signal` says which province (GB/T 2260 prefix) a value points to, how strongly, by
which feature, from which field, and quoting the evidence. ``locate`` weighs them.

Features (docs/geo.md):

* ``name_match`` — a gazetteer name found in the text (Aho-Corasick, token boundaries).
* ``xpcc_regiment`` — an XPCC regiment (``一五〇团``, ``150团``, ``Regiment 150``).
* ``postal_code`` — a six-digit Chinese postal code (OCR letters O/I/l read as digits).
* ``phone_area_code`` — a Chinese long-distance area code, in the phone column or in the text.
* ``uscc_division`` — the registration authority's division code inside a valid USCC.
* ``coordinates`` — the bundled province or country polygon holding lat/lon.
"""

from __future__ import annotations

from typing import NamedTuple

from laborlens.core.geo.gazetteer import Gazetteer, Place, describe

__all__ = ["SetAside", "Signal", "TextScan", "signal_why"]


class Signal(NamedTuple):
    """One explained piece of geographic evidence (a named tuple: cheap in the hot loop)."""

    province: str  # GB/T 2260 prefix ("65")
    code: str  # most specific division code known ("650100"), or the province code
    weight: float
    feature: str
    field: str
    evidence: str
    why: str
    weak: bool = False  # decides only with support
    ambiguous: tuple[str, ...] = ()  # the other provinces the same evidence could mean
    start: int = -1  # offset in the field's text, for overlap checks
    place: Place | None = None  # name matches: the gazetteer meaning (``why`` built lazily)
    bare: bool = False  # a name without its administrative word (喀什, Kashi; not 喀什市)
    town: bool = False  # followed by a town word (天山镇, Shawan Town): a place below a county
    note: str = ""  # what changed the signal (a facility word, a boundary distance)


class SetAside(NamedTuple):
    """A signal that did not count, and why (reported in the finding's explanation)."""

    province: str
    evidence: str
    reason: str


def signal_why(gaz: Gazetteer, s: Signal) -> str:
    """The explanation of a signal; for name matches built only when a finding needs it."""
    if s.why or s.place is None:
        why = s.why
    else:
        why = f"{s.field} names '{s.evidence}': {describe(gaz.divisions, s.place.target)}"
    if s.note:
        why += f" ({s.note})"
    if s.weak and s.place is not None and s.place.weak_why:
        why += f"; weak: {s.place.weak_why}, counted with support from the rest of the record"
    return why


class TextScan(NamedTuple):
    """What a free-text field yielded: place signals, country names, street-only names."""

    signals: tuple[Signal, ...]
    countries: tuple[tuple[str, str], ...]  # (alpha-2, evidence)
    streets: tuple[str, ...]  # place names used as street/building names (not evidence)
    norm: str = ""  # the normalised text that was scanned
    han: bool = False  # whether the text has Han characters
