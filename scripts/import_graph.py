"""Draw which parts of laborlens import which, from the code itself: ``docs/imports.md``.

Usage: python scripts/import_graph.py [--check]

Every ``import`` and ``from … import`` in ``src/laborlens`` (also those inside functions) is read
with :mod:`ast` and folded to its part (``core.chain``, ``adapters.io``, ``ops`` …); the result is
a Mermaid graph, one arrow per importing pair, grouped by layer. ``--check`` exits 1 when the
checked-in file differs from the code (the test suite runs it, so the drawing stays true).
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "laborlens"
OUT = ROOT / "docs" / "imports.md"
LAYERS = ("interfaces", "ops", "adapters", "core")


def part(module: str) -> str | None:
    """``laborlens.core.chain.trace`` -> ``core.chain``; top-level modules keep their name."""
    bits = module.split(".")
    if bits[0] != "laborlens" or len(bits) < 2:
        return None
    if bits[1] in ("interfaces", "adapters", "core") and len(bits) > 2:
        return f"{bits[1]}.{bits[2]}"
    return bits[1]


def _module_of(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    names = list(rel.parts)
    if names[-1] == "__init__":
        names.pop()
    return ".".join(names)


def edges() -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for path in sorted(SRC.rglob("*.py")):
        module = _module_of(path)
        here = part(module)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, base] if base else up)
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                there = part(target)
                if here and there and there != here and part(target) == there:
                    out.add((here, there))
    # `from laborlens.core import rules` names the subpackage: keep the most specific part
    return {(a, b) for a, b in out if b not in {"core", "adapters"}}


def render(pairs: set[tuple[str, str]]) -> str:
    parts = sorted({p for pair in pairs for p in pair})
    lines = [
        "# Imports between the parts of laborlens",
        "",
        "Generated from the code by `python scripts/import_graph.py`; the test suite checks that",
        "this file matches the code. Arrows point from the importing part to the imported one.",
        "",
        "```mermaid",
        "graph TD",
    ]
    for layer in LAYERS:
        members = [p for p in parts if p.split(".")[0] == layer]
        if members:
            lines.append(f"  subgraph {layer}")
            lines += [f"    {p.replace('.', '_')}[{p}]" for p in members]
            lines.append("  end")
    others = [p for p in parts if p.split(".")[0] not in LAYERS]
    lines += [f"  {p.replace('.', '_')}[{p}]" for p in others]
    lines += [f"  {a.replace('.', '_')} --> {b.replace('.', '_')}" for a, b in sorted(pairs)]
    lines += ["```", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with docs/imports.md")
    args = ap.parse_args()
    text = render(edges())
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            print(f"{OUT.relative_to(ROOT)} is out of date: python scripts/import_graph.py")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
