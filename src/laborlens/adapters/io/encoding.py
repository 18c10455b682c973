"""Text encodings of input files: detection from a sample, with warnings when it is a guess.

Order of decisions (``choose_encoding``):

1. a byte-order mark (UTF-8, UTF-16, UTF-32);
2. strict UTF-8;
3. UTF-16 without a BOM, when every other byte is zero;
4. *damaged UTF-8*: the sample holds many valid multi-byte UTF-8 sequences and only a few invalid
   bytes (a file saved as UTF-8 with a few rows pasted from elsewhere). Legacy encodings almost
   never form valid UTF-8 sequences by chance, so the file is read as UTF-8; a warning names the
   line of the first bad byte and those rows get an error naming the column;
5. charset-normalizer's candidates. Single-byte code pages often decode the same bytes equally
   well (0xD1 is ``Ñ`` in cp1252 but ``Ń`` in cp1250), so among the candidates that look equally
   clean the one whose non-ASCII characters are letters wins, then the most common in supplier
   files (:data:`PREFERRED`); when another candidate would read the text differently just as
   plausibly, a warning names the first line where the choice matters. GB2312/GBK are read as
   their superset GB18030.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PREFERRED", "EncodingChoice", "InputError", "choose_encoding", "detect_encoding"]


class InputError(ValueError):
    """A file cannot be read at all. The message names the file (and row/column if relevant)."""


_CHINESE = {"gb2312", "gbk", "cp936", "gb18030", "hz", "hz_gb_2312", "hz-gb-2312", "euc_cn"}
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Tie-break among equally plausible encodings: Unicode first, then the legacy code pages
#: supplier files are most often in (mainland Chinese ERP exports, then Western, Cyrillic,
#: Central European, Japanese, Korean, Traditional Chinese). Unlisted encodings come after these.
PREFERRED: tuple[str, ...] = tuple(
    codecs.lookup(name).name
    for name in (
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "gb18030",
        "cp1252",
        "cp1251",
        "cp1250",
        "shift_jis",
        "cp932",
        "euc_kr",
        "big5",
        "latin_1",
    )
)
_CHAOS_TIE = 5.0  # charset-normalizer "chaos" percentages this close count as equally clean
_LETTER_TIE = 0.05  # shares of letters this close count as equally plausible
_GUESS_BYTES = 262_144


@dataclass(frozen=True, slots=True)
class EncodingChoice:
    """The encoding to read a file with, and what the user should be told about it."""

    encoding: str
    warnings: tuple[str, ...] = ()


def normalise_encoding(name: str) -> str:
    """A codec name in Python's spelling; GB2312/GBK become GB18030 (raises LookupError)."""
    info = codecs.lookup(name)
    return "gb18030" if info.name in _CHINESE or name.lower() in _CHINESE else info.name


def first_bad_byte(sample: bytes, encoding: str, complete: bool) -> int | None:
    """None when ``sample`` decodes; else the offset of the first bad byte."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        decoder.decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        return exc.start
    return None


def line_of(sample: bytes, offset: int) -> int:
    """The 1-based line of a byte offset."""
    return sample[:offset].count(b"\n") + 1


def _utf16_without_bom(sample: bytes, complete: bool) -> str | None:
    head = sample[:4096]
    if len(head) < 4:
        return None
    even_zero = head[0::2].count(0) / max(1, len(head[0::2]))
    odd_zero = head[1::2].count(0) / max(1, len(head[1::2]))
    if odd_zero > 0.3 and even_zero < 0.05:
        name = "utf-16-le"
    elif even_zero > 0.3 and odd_zero < 0.05:
        name = "utf-16-be"
    else:
        return None
    return name if first_bad_byte(sample, name, complete) is None else None


def _mostly_utf8(sample: bytes, complete: bool) -> bool:
    """Many valid multi-byte UTF-8 sequences and few invalid bytes (see the module notes)."""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace").decode(sample, final=complete)
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    good = non_ascii - bad
    return good >= 2 and good >= 2 * bad


def _letter_share(text: str) -> float:
    wide = [c for c in text if ord(c) > 127]
    if not wide:
        return 1.0
    letters = sum(1 for c in wide if unicodedata.category(c)[0] in "LM")
    return letters / len(wide)


def _rank(name: str) -> int:
    return PREFERRED.index(name) if name in PREFERRED else len(PREFERRED)


def _first_difference(a: str, b: str) -> tuple[int, str, str]:
    """The first line (1-based) where two decodings differ, with a few characters of each."""
    for number, (x, y) in enumerate(zip(a.split("\n"), b.split("\n"), strict=False), start=1):
        if x != y:
            pairs = enumerate(zip(x, y, strict=False))
            at = next((i for i, (p, q) in pairs if p != q), min(len(x), len(y)))
            lo = max(0, at - 12)
            return number, x[lo : at + 12], y[lo : at + 12]
    return 1, "", ""


def _candidates(sample: bytes) -> list[str]:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return ["gb18030"]
    matches = list(from_bytes(sample[:_GUESS_BYTES]))
    if not matches:
        return ["gb18030"]
    best = min(m.percent_chaos for m in matches)
    names: list[str] = []
    for m in matches:
        if m.percent_chaos <= best + _CHAOS_TIE:
            names.extend([m.encoding, *m.could_be_from_charset])
    out: list[str] = []
    for name in names:
        try:
            norm = normalise_encoding(name)
        except LookupError:
            continue
        if norm not in out:
            out.append(norm)
    return out


def _guess_legacy(path: Path, sample: bytes, complete: bool) -> EncodingChoice | None:
    scored: list[tuple[float, int, str, str]] = []
    for names in (_candidates(sample), ["gb18030"]):
        for name in names:
            if first_bad_byte(sample, name, complete) is not None:
                continue
            decoder = codecs.getincrementaldecoder(name)(errors="replace")
            text = decoder.decode(sample[:_GUESS_BYTES])
            scored.append((-_letter_share(text), _rank(name), name, text))
        if scored:
            break
    if not scored:
        return None
    scored.sort(key=lambda s: (s[0], s[1]))
    share, _, chosen, text = scored[0]
    for other_share, _, other, other_text in scored[1:]:
        if other_share - share <= _LETTER_TIE and other_text != text:
            line, mine, theirs = _first_difference(text, other_text)
            return EncodingChoice(
                chosen,
                (
                    f"{path}: the text encoding is a guess: read as {chosen}, but {other} "
                    f"would read line {line} differently ('{mine}' instead of '{theirs}'); "
                    f"pass --encoding if {chosen} is wrong",
                ),
            )
    return EncodingChoice(chosen)


def detect_encoding(sample: bytes, complete: bool = True) -> str | None:
    """Guess the text encoding of a sample of bytes (``None`` when nothing fits).

    Args:
        sample: the first bytes of the file.
        complete: whether the sample is the whole file (else a cut multi-byte character at the
            end is not an error).
    """
    try:
        return choose_encoding(Path("sample"), sample, complete, None).encoding
    except InputError:
        return None


def choose_encoding(
    path: Path, sample: bytes, complete: bool, requested: str | None
) -> EncodingChoice:
    """The encoding to read ``path`` with, given its first bytes (see the module notes).

    Raises:
        InputError: an unknown ``requested`` encoding, bytes that ``requested`` cannot decode,
            or no encoding that fits.
    """
    if requested:
        try:
            chosen = normalise_encoding(requested)
        except LookupError as exc:
            raise InputError(f"{path}: unknown encoding '{requested}'") from exc
        bad = first_bad_byte(sample, chosen, complete)
        if bad is not None:
            raise InputError(
                f"{path}: line {line_of(sample, bad)}: bytes that are not valid {requested} "
                f"(at byte {bad}); check --encoding"
            )
        return EncodingChoice(chosen)
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return EncodingChoice(name)
    bad = first_bad_byte(sample, "utf-8", complete)
    if bad is None:
        return EncodingChoice("utf-8")
    utf16 = _utf16_without_bom(sample, complete)
    if utf16:
        return EncodingChoice(utf16)
    if _mostly_utf8(sample, complete):
        return EncodingChoice(
            "utf-8",
            (
                f"{path}: line {line_of(sample, bad)}: bytes that are not valid UTF-8 (first at "
                f"byte {bad}); the file is read as UTF-8 and each row holding such bytes gets "
                "an error; pass --encoding if the file is in another encoding",
            ),
        )
    guessed = _guess_legacy(path, sample, complete)
    if guessed is None:
        raise InputError(
            f"{path}: line {line_of(sample, bad)}: cannot tell the text encoding (not UTF-8, "
            "UTF-16 or GB18030); pass --encoding, e.g. --encoding cp1252"
        )
    return guessed
