"""Check and complete the names lexicon and write the pinyin syllable table.

Usage: python scripts/build_names_lexicon.py

* ``src/laborlens/resources/names/lexicon.tsv``: checks every row (kind, simplified Han, at least
  one Latin rendering, a source) and fills the ``pinyin`` column of Han entries (toneless, one
  word per syllable) with pypinyin, so the installed program need not romanise the lexicon at
  start-up.
* ``src/laborlens/resources/names/pinyin_syllables.txt``: every toneless Mandarin syllable
  pypinyin knows, used to recognise Latin words written in pinyin (``daquan`` = da + quan).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any

import opencc
from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict

ROOT = Path(__file__).resolve().parents[1]
LEXICON = ROOT / "src/laborlens/resources/names/lexicon.tsv"
SYLLABLES = ROOT / "src/laborlens/resources/names/pinyin_syllables.txt"
MANIFEST = ROOT / "src/laborlens/resources/names/manifest.json"
KINDS = {"legal", "generic", "stop", "industry", "region"}


def pinyin(han: str) -> str:
    return " ".join(re.sub(r"[^a-z]", "", s) for s in lazy_pinyin(han, style=Style.NORMAL))


def main() -> int:
    t2s = opencc.OpenCC("t2s").convert
    out: list[str] = []
    problems: list[str] = []
    header_done = False
    for n, line in enumerate(LEXICON.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            out.append(line)
            continue
        cols = line.split("\t")
        if not header_done:
            header_done = True
            out.append("kind\than\tlatin\tsource\tpinyin")
            continue
        kind, han, latin, source = [*cols, "", "", "", ""][:4]
        if kind not in KINDS:
            problems.append(f"line {n}: unknown kind {kind!r}")
        if han and t2s(han) != han:
            problems.append(f"line {n}: {han} is not simplified ({t2s(han)})")
        if not latin.strip():
            problems.append(f"line {n}: no Latin rendering")
        if not source.strip():
            problems.append(f"line {n}: no source")
        out.append("\t".join([kind, han, latin, source, pinyin(han) if han else ""]))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    LEXICON.write_text("\n".join(out) + "\n", encoding="utf-8")
    syllables: set[str] = set()
    for value in pinyin_dict.values():
        for reading in value.split(","):
            plain = unicodedata.normalize("NFKD", reading.replace("ü", "u"))
            s = re.sub(r"[^a-z]", "", plain.lower())
            if s:
                syllables.add(s)
    SYLLABLES.write_text(
        "# Toneless Mandarin pinyin syllables (from pypinyin's character dictionary;"
        " built by scripts/build_names_lexicon.py)\n" + "\n".join(sorted(syllables)) + "\n",
        encoding="utf-8",
    )
    previous = json.loads(MANIFEST.read_text("utf-8")) if MANIFEST.exists() else {}
    manifest: dict[str, Any] = {
        "built_by": "scripts/build_names_lexicon.py, scripts/build_names_background.py",
        "files": {
            path.name: {
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "rows": sum(
                    1
                    for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip() and not line.startswith(("#", "kind\t"))
                ),
                "source": source,
            }
            for path, source in (
                (
                    LEXICON,
                    "hand-built; one source per row (CC-CEDICT, ISO 20275 ELF list, PRC Company "
                    "Law, Wikipedia place articles); pinyin column from pypinyin",
                ),
                (SYLLABLES, "pypinyin character dictionary (pypinyin.pinyin_dict)"),
            )
        },
    }
    # entries written by other build scripts (common_words.txt) are kept
    for name, facts in previous.get("files", {}).items():
        manifest["files"].setdefault(name, facts)
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"lexicon rows: {len(out)}; syllables: {len(syllables)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
