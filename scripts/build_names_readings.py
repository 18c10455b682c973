"""Write the per-character Wade-Giles and Cantonese readings that names-v2 uses for romanised
Taiwan and Hong Kong names.

Usage: python scripts/build_names_readings.py
(needs the build-only dependency ``cantonese-romanisation``: ``pip install
'cantonese-romanisation>=1.0.5'``; pypinyin is a runtime dependency already)

``src/laborlens/resources/names/han_readings.tsv``: one row per Han character of the CJK Unified
Ideographs block (simplified and traditional forms alike) with
``char<TAB>wade_giles<TAB>cantonese``:

* ``wade_giles``: the Wade-Giles readings of every pinyin reading of the character (pypinyin's
  ``Style.WADEGILES``), apostrophes and umlauts removed (``ch'ang`` -> ``chang``, ``hsü`` ->
  ``hsu``), the way Taiwan company names write them;
* ``cantonese``: the Hong Kong Government Cantonese Romanisation of the character
  (cantonese-romanisation's ``charToRoman`` table, MIT licence), the spelling of Hong Kong
  company and street names (``光`` -> ``kwong``).

The installed program reads the TSV; it never imports cantonese-romanisation.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/laborlens/resources/names/han_readings.tsv"
MANIFEST = ROOT / "src/laborlens/resources/names/manifest.json"


def _fold(reading: str) -> str:
    reading = reading.lower().replace("ü", "u").replace("ê", "e").replace("ŭ", "u")
    return re.sub(r"[^a-z]", "", reading)


def main() -> int:
    from importlib.metadata import version as dist_version

    from cantoroman import Cantonese
    from pypinyin import Style, pinyin

    canto = Cantonese()
    rows: list[str] = []
    for code in range(0x4E00, 0xA000):
        ch = chr(code)
        wg = sorted({_fold(r) for r in pinyin(ch, style=Style.WADEGILES, heteronym=True)[0]} - {""})
        if wg == [_fold(ch)] or wg == [ch]:
            wg = []
        try:
            hk = sorted({_fold(r) for group in canto.getRoman(ch) for r in group} - {""})
        except (KeyError, TypeError, ValueError):
            hk = []
        if wg or hk:
            rows.append(f"{ch}\t{'|'.join(wg)}\t{'|'.join(hk)}")
    OUT.write_text(
        "# Wade-Giles (pypinyin "
        f"{dist_version('pypinyin')}) and Hong Kong Government Cantonese Romanisation "
        f"(cantonese-romanisation {dist_version('cantonese-romanisation')}, MIT) readings per "
        "character; built by scripts/build_names_readings.py\n# char\twade_giles\tcantonese\n"
        + "\n".join(rows)
        + "\n",
        encoding="utf-8",
    )
    manifest = json.loads(MANIFEST.read_text("utf-8"))
    manifest["files"][OUT.name] = {
        "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
        "rows": len(rows),
        "source": f"pypinyin {dist_version('pypinyin')} Style.WADEGILES; cantonese-romanisation "
        f"{dist_version('cantonese-romanisation')} (MIT) Hong Kong Government romanisation",
    }
    manifest["built_by"] = ", ".join(
        sorted(
            (set(manifest.get("built_by", "").split(", ")) | {"scripts/build_names_readings.py"})
            - {""}
        )
    )
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(rows)} characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
