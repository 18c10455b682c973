"""CPU instructions per ``locate`` call, counted by valgrind: a speed figure that does not
depend on how loaded the (shared) machine is.

Run from the repository root (needs ``valgrind``)::

    .venv/bin/python bench/geo_instructions.py [--rev cccb5be]

It runs the address rows of ``tests/cases/addresses_v3.csv`` through ``locate`` zero times and
once under ``valgrind --tool=cachegrind --cache-sim=no`` and divides the difference of the two
instruction counts by the number of addresses. ``--rev`` also counts an older geo layer taken
from git (its ``core/geo`` package copied to a temporary folder; the bundled resources are the
current ones), for a like-for-like comparison.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_RUNNER = """
import csv, sys
sys.path.insert(0, {path!r})
from {package} import build_gazetteer, locate
from laborlens.core.model import Record
rows = [r for r in csv.DictReader(open({cases!r}, encoding="utf-8")) if r["address"]]
def rec(i, r):
    address = ", ".join(x for x in (r["address"], r["postal_code"]) if x)
    return Record(row=i, id=str(i), address=address, country=r["country"] or None,
                  phone=r["phone"] or None)
recs = [rec(i, r) for i, r in enumerate(rows)]
gaz = build_gazetteer()
for _ in range({passes}):
    for rec in recs:
        locate(gaz, rec)
print(len(recs))
"""


def _count(path: str, package: str, passes: int) -> tuple[int, int]:
    code = _RUNNER.format(
        path=path,
        package=package,
        cases=str(ROOT / "tests" / "cases" / "addresses_v3.csv"),
        passes=passes,
    )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cg.out"
        res = subprocess.run(
            [
                "valgrind",
                "--tool=cachegrind",
                "--cache-sim=no",
                f"--cachegrind-out-file={out}",
                sys.executable,
                "-c",
                code,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    m = re.search(r"I\s+refs:\s+([\d,]+)", res.stderr)
    if m is None:
        raise SystemExit("valgrind printed no instruction count")
    return int(m.group(1).replace(",", "")), int(res.stdout.strip().splitlines()[-1])


def _per_call(path: str, package: str) -> float:
    base, _n = _count(path, package, 0)
    full, n = _count(path, package, 1)
    return (full - base) / n


def _old_package(rev: str, folder: Path) -> str:
    """Copy ``core/geo`` at ``rev`` into ``folder/geo_old`` with its imports rewritten."""
    target = folder / "geo_old"
    target.mkdir()
    listing = subprocess.run(
        ["git", "-C", str(ROOT), "ls-tree", "--name-only", rev, "src/laborlens/core/geo/"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listing:
        text = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{rev}:{name}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        text = text.replace("laborlens.core.geo.", "geo_old.").replace(
            "from laborlens.core.geo import", "from geo_old import"
        )
        (target / Path(name).name).write_text(text, encoding="utf-8")
    return "geo_old"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", help="also count the geo layer of this git revision")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    now = _per_call(str(ROOT / "src"), "laborlens.core.geo")
    print(f"current: {now:,.0f} instructions per locate (address rows of addresses_v3.csv)")
    if args.rev:
        with tempfile.TemporaryDirectory() as tmp:
            old = _per_call(tmp, _old_package(args.rev, Path(tmp)))
        print(f"{args.rev}: {old:,.0f} instructions per locate; current / old = {now / old:.3f}")


if __name__ == "__main__":
    main()
