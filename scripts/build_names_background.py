"""Write the background list of common words that name matching treats as unspecific.

Usage: python scripts/build_names_background.py [--min-zipf 3.5]
(needs the build-only dependency ``wordfreq``: ``pip install 'wordfreq>=3.1'``)

``src/laborlens/resources/names/common_words.txt``: every alphabetic English word whose Zipf
frequency in wordfreq's English data (Speer, *wordfreq* 3.x, CC-BY-SA 4.0; built from
Wikipedia, subtitles, news, books, web text, Twitter and Reddit) is at least ``--min-zipf``
(3.5 = about once per 300,000 words). Such a word ("Ocean", "Royal", "Golden", "Delta") is the
name of many unrelated companies, so a name whose only distinctive part is one such word says
little on its own; the lists alone cannot tell, because a sanctions list holds a word like
"Ocean" only a few times. The installed program reads this file; it never imports wordfreq.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/laborlens/resources/names/common_words.txt"
MANIFEST = ROOT / "src/laborlens/resources/names/manifest.json"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--min-zipf", type=float, default=3.5)
    args = ap.parse_args()
    import wordfreq

    words = sorted(
        {
            w
            for w in wordfreq.top_n_list("en", 60_000)
            if w.isascii()
            and w.isalpha()
            and len(w) >= 2
            and wordfreq.zipf_frequency(w, "en") >= args.min_zipf
        }
    )
    from importlib.metadata import version as dist_version

    version = dist_version("wordfreq")
    OUT.write_text(
        f"# English words with Zipf frequency >= {args.min_zipf} in wordfreq {version} "
        "(Speer, wordfreq, CC-BY-SA 4.0); built by scripts/build_names_background.py\n"
        + "\n".join(words)
        + "\n",
        encoding="utf-8",
    )
    manifest = json.loads(MANIFEST.read_text("utf-8"))
    manifest["files"][OUT.name] = {
        "sha256": hashlib.sha256(OUT.read_bytes()).hexdigest(),
        "rows": len(words),
        "source": f"wordfreq {version} English word frequencies (Zipf >= {args.min_zipf}), "
        "https://github.com/rspeer/wordfreq, CC-BY-SA 4.0",
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"common words: {len(words)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
