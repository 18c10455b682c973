"""Fonts for the reports: which files the PDF embeds, and how wide a text is.

The files are found by name (``resources/reports/fonts.yaml``) under the system font folders and
``LABORLENS_FONT_DIRS``. Text widths come from the fonts' own metrics (fontTools), so the chain
drawing sizes its boxes for the glyphs the PDF will print; without the fonts an estimate is used
(half an em for narrow characters, a full em for wide East-Asian ones), generous on purpose.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from laborlens.core import resources

ENV_DIRS = "LABORLENS_FONT_DIRS"


@dataclass(frozen=True, slots=True)
class FontSet:
    """The font files found (``None`` when missing) and what is missing, said plainly."""

    text: Path | None
    bold: Path | None
    cjk: Path | None

    def warnings(self) -> tuple[str, ...]:
        out = []
        if self.text is None:
            out.append(
                "no Unicode text font found (DejaVu Sans): the PDF uses its core fonts and "
                "transliterates non-Latin text; report.html keeps the original script"
            )
        if self.cjk is None:
            out.append(
                "no CJK font found (WenQuanYi or Noto CJK; Debian fonts-wqy-microhei): Chinese "
                "names in the PDF are transliterated to pinyin; report.html keeps them"
            )
        return tuple(out)


def _dirs() -> list[Path]:
    cfg = resources.read_yaml("reports/fonts.yaml")
    extra = [p for p in os.environ.get(ENV_DIRS, "").split(os.pathsep) if p]
    return [Path(p) for p in (*extra, *cfg["font_dirs"])]


@cache
def _index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    """File name -> first path under ``dirs`` (walked once per process)."""
    found: dict[str, Path] = {}
    for d in dirs:
        if not d.is_dir():
            continue
        for root, _, files in sorted(os.walk(d)):
            for f in sorted(files):
                found.setdefault(f, Path(root) / f)
    return found


def find_fonts() -> FontSet:
    """The report fonts on this machine."""
    cfg = resources.read_yaml("reports/fonts.yaml")["families"]
    index = _index(tuple(_dirs()))

    def first(names: list[str]) -> Path | None:
        return next((index[n] for n in names if n in index), None)

    text = first(cfg["text"]["regular"])
    bold = first(cfg["text"]["bold"]) if text else None
    return FontSet(text=text, bold=bold or text, cjk=first(cfg["cjk"]["regular"]))


class _Metrics:
    """Advance widths (in em) of the characters a font covers."""

    def __init__(self, path: Path | None) -> None:
        self.widths: dict[int, float] = {}
        if path is None:
            return
        from fontTools.ttLib import TTFont

        font = TTFont(str(path), fontNumber=0, lazy=True)
        upm = float(font["head"].unitsPerEm)
        hmtx = font["hmtx"]
        for code, glyph in font.getBestCmap().items():
            self.widths[code] = hmtx[glyph][0] / upm
        font.close()


@cache
def _metrics(path: Path | None) -> _Metrics:
    return _Metrics(path)


def is_wide(ch: str) -> bool:
    """A character that takes a full em (CJK ideographs, kana, hangul, full-width forms)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of ``text`` at ``size`` points, as the PDF prints it (estimated without fonts)."""
    fonts = find_fonts()
    main = _metrics(fonts.bold if bold else fonts.text).widths
    cjk = _metrics(fonts.cjk).widths
    total = 0.0
    for ch in text:
        code = ord(ch)
        w = main.get(code)
        if w is None:
            w = cjk.get(code)
        if w is None:
            w = 1.0 if is_wide(ch) else (0.62 if bold else 0.58)
        total += w
    return total * size


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points: at spaces where possible,
    inside a word (or between CJK characters) where a word alone is too wide. Nothing is cut."""
    lines: list[str] = []
    for para in text.splitlines() or [""]:
        line = ""
        for word in _words(para):
            if line and text_width((line + word).rstrip(), size, bold) > width:
                lines.append(line.rstrip())
                line = word
            else:
                line += word
            if text_width(line.rstrip(), size, bold) > width:
                line = _break_long(line, width, size, bold, lines)
        lines.append(line.rstrip())
    return lines


def _words(text: str) -> list[str]:
    """Words with their trailing space; each wide character is a word of its own."""
    out: list[str] = []
    cur = ""
    for ch in text:
        if is_wide(ch):
            if cur:
                out.append(cur)
                cur = ""
            out.append(ch)
        elif ch == " ":
            cur += ch
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def _break_long(line: str, width: float, size: float, bold: bool, lines: list[str]) -> str:
    """Move full-width pieces of an over-long ``line`` into ``lines``; return the rest."""
    piece, used = "", 0.0
    for ch in line:
        w = text_width(ch, size, bold)
        if piece and used + w > width:
            lines.append(piece)
            piece, used = "", 0.0
        piece += ch
        used += w
    return piece
