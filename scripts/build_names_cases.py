"""Build the list-derived part of the names case set (tests/cases/names_lists.csv).

Usage: python scripts/build_names_cases.py

Every pair comes from a published list entry (OFAC SDN, UFLPA Entity List, CBP WRO/Findings as
bundled under src/laborlens/resources/lists) and names that entry's list as its source. Pairs:

* ``alias``: an entry's primary name vs one of its published aliases that is a spelling variant
  (at least half of their words of 4+ letters that are not legal forms are shared; wholly
  different a.k.a. names are not name-matching tasks — the index holds every alias verbatim);
* ``latin_exact``: the primary name re-cased and re-punctuated, as it arrives in ERP exports;
* ``legal_form``: the legal form written differently or dropped (Co., Ltd. → Company Limited);
* ``word_order``: a person listed "SURNAME, Given" written "Given SURNAME";
* ``typo_ocr``: one OCR-style confusion (rn→m, l→i, o→0 …) in the longest word;
* ``hard_negative``: two *different* entries of the same list that share a word of 4+ letters
  (label 0: a screener must not call them the same party).

Deterministic (fixed seed); rerun after a list update.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LISTS = ROOT / "src/laborlens/resources/lists"
OUT = ROOT / "tests/cases/names_lists.csv"

LIST_SOURCE = {
    "us_ofac_sdn": "OFAC SDN list (legacy CSV sdn.csv/alt.csv), https://sanctionslist.ofac.treas.gov/",
    "us_uflpa_entity_list": "DHS UFLPA Entity List, https://www.dhs.gov/uflpa-entity-list",
    "us_cbp_wro_findings": "CBP Withhold Release Orders and Findings list, "
    "https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings",
}
LEGAL = {
    "co",
    "ltd",
    "limited",
    "company",
    "inc",
    "corp",
    "corporation",
    "llc",
    "sa",
    "s",
    "a",
    "de",
    "cv",
    "bhd",
    "sdn",
    "gmbh",
    "ag",
    "plc",
    "jsc",
    "ooo",
    "the",
    "and",
    "of",
    "group",
}
OCR = [
    ("rn", "m"),
    ("m", "rn"),
    ("cl", "d"),
    ("l", "i"),
    ("i", "l"),
    ("o", "0"),
    ("e", "c"),
    ("h", "b"),
    ("u", "v"),
    ("n", "h"),
    ("a", "o"),
]
LEGAL_SWAPS = [
    (r"\bCO\.?,? LTD\.?$", "COMPANY LIMITED"),
    (r"\bCo\.?,? Ltd\.?$", "Company Limited"),
    (r"\bLIMITED$", "LTD"),
    (r"\bLTD\.?$", "LIMITED"),
    (r"\bINC\.?$", "INCORPORATED"),
    (r"\bCORPORATION$", "CORP."),
    (r"\bCOMPANY$", "CO."),
    (r"\bS\.A\.$", "SA"),
    (r"\bLLC$", "L.L.C."),
    (r"\bGMBH$", "G.M.B.H."),
]


def words(name: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", name.lower()) if w]


def distinctive(name: str) -> set[str]:
    return {w for w in words(name) if len(w) >= 4 and w not in LEGAL}


def load() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for lid in LIST_SOURCE:
        with (LISTS / f"{lid}.jsonl").open(encoding="utf-8") as fh:
            rows.extend(json.loads(line) for line in fh if line.strip())
    return [r for r in rows if r["schema"] not in ("Order", "Good")]


def main() -> None:
    rnd = random.Random(20260827)
    entries = load()
    out: list[dict[str, str]] = []

    def add(  # noqa: PLR0917 - one positional per CSV column
        cat: str, q: str, ref: str, label: int, e: dict[str, object], note: str
    ) -> None:
        src = f"{LIST_SOURCE[str(e['list_id'])]} entry {e['entry_id']}"
        out.append(
            {
                "category": cat,
                "query": q,
                "reference": ref,
                "label": str(label),
                "source": src,
                "note": note,
            }
        )

    companies = [e for e in entries if e["schema"] == "Company"]
    persons = [e for e in entries if e["schema"] == "Person"]
    # alias pairs (spelling variants)
    alias_pairs = []
    for e in companies:
        for a in e["aliases"]:  # type: ignore[attr-defined]
            a = re.sub(r"^(formerly known as|f\.k\.a\.|a\.k\.a\.)\s+", "", str(a), flags=re.I)
            da, dn = distinctive(a), distinctive(str(e["name"]))
            if (
                a.lower() != str(e["name"]).lower()
                and da
                and dn
                and len(da & dn) * 2 >= len(da | dn)
            ):
                alias_pairs.append((a, str(e["name"]), e))
    rnd.shuffle(alias_pairs)
    for a, n, e in alias_pairs[:70]:
        add("alias", a, n, 1, e, "published alias of the same entry")
    # latin_exact
    for e in rnd.sample(companies, 60):
        n = str(e["name"])
        q = n.upper() if not n.isupper() else n.title()
        q = q.replace(",", "").replace(".", "")
        add("latin_exact", q, n, 1, e, "re-cased and re-punctuated")
    # legal forms
    count = 0
    for e in rnd.sample(companies, len(companies)):
        n = str(e["name"])
        for pat, rep in LEGAL_SWAPS:
            if re.search(pat, n):
                add("legal_form", re.sub(pat, rep, n), n, 1, e, "legal form written differently")
                count += 1
                break
        if count >= 45:
            break
    # word order for persons: "SURNAME, Given" -> "Given SURNAME"
    count = 0
    for e in rnd.sample(persons, len(persons)):
        n = str(e["name"])
        if n.count(",") == 1 and len(words(n)) >= 2:
            last, first = (p.strip() for p in n.split(","))
            if first and last:
                add("word_order", f"{first} {last}", n, 1, e, "given name first")
                count += 1
        if count >= 35:
            break
    # OCR typos in the longest distinctive word
    count = 0
    for e in rnd.sample(companies, len(companies)):
        n = str(e["name"])
        dw = sorted(distinctive(n), key=len, reverse=True)
        if not dw or len(dw[0]) < 6:
            continue
        target = dw[0]
        m = re.search(re.escape(target), n, flags=re.I)
        if not m:
            continue
        word = m.group()
        for a, b in rnd.sample(OCR, len(OCR)):
            idx = word.lower().find(a, 1)
            if idx > 0:
                bad = word[:idx] + (b.upper() if word.isupper() else b) + word[idx + len(a) :]
                add(
                    "typo_ocr",
                    n[: m.start()] + bad + n[m.end() :],
                    n,
                    1,
                    e,
                    f"OCR confusion {a}->{b} in '{word}'",
                )
                count += 1
                break
        if count >= 45:
            break
    # hard negatives: different entries sharing a distinctive word
    by_word: dict[str, list[dict[str, object]]] = {}
    for e in companies:
        for w in distinctive(str(e["name"])):
            by_word.setdefault(w, []).append(e)
    seen: set[tuple[str, str]] = set()
    negs = []
    for w, es in sorted(by_word.items()):
        if not 2 <= len(es) <= 30:
            continue
        for _ in range(2):
            ea, eb = rnd.sample(es, 2)
            na, nb = str(ea["name"]), str(eb["name"])
            if (
                distinctive(na) == distinctive(nb)
                or set(words(na)) <= set(words(nb))
                or set(words(nb)) <= set(words(na))
            ):
                # the same name (only the legal form differs), or one name inside the other
                # (branch / parent): names alone cannot tell these apart; they are for review
                continue
            key = tuple(sorted((na, nb)))
            if key in seen:
                continue
            seen.add(key)  # type: ignore[arg-type]
            negs.append((na, nb, ea, w))
    rnd.shuffle(negs)
    for na, nb, ent, w in negs[:90]:
        add("hard_negative", na, nb, 0, ent, f"different entries sharing the word '{w}'")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        wr = csv.DictWriter(fh, ["category", "query", "reference", "label", "source", "note"])
        wr.writeheader()
        wr.writerows(out)
    print(f"{len(out)} pairs -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
