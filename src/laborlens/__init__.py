"""laborlens: find forced labour in supply chains and prove its absence at the border.

The Python API mirrors the CLI: ``laborlens.screen`` screens in-memory records,
``laborlens.screen_files`` streams files, ``laborlens.trace`` traces a supply chain and
``laborlens.load_lists`` gives the reference lists (bundled plus user lists).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from laborlens.version import __version__

__all__ = [
    "Finding",
    "ListEntry",
    "ListInfo",
    "Record",
    "RegimeOutcome",
    "ScreenResult",
    "__version__",
    "load_lists",
    "screen",
    "screen_files",
    "trace",
]

if TYPE_CHECKING:  # pragma: no cover
    from laborlens.core.model import (
        Finding,
        ListEntry,
        ListInfo,
        Record,
        RegimeOutcome,
        ScreenResult,
    )
    from laborlens.ops.screening import load_lists, screen, screen_files
    from laborlens.ops.tracing import trace

_LAZY = {
    "Finding": "laborlens.core.model",
    "ListEntry": "laborlens.core.model",
    "ListInfo": "laborlens.core.model",
    "Record": "laborlens.core.model",
    "RegimeOutcome": "laborlens.core.model",
    "ScreenResult": "laborlens.core.model",
    "load_lists": "laborlens.ops.screening",
    "screen": "laborlens.ops.screening",
    "screen_files": "laborlens.ops.screening",
    "trace": "laborlens.ops.tracing",
}


def __getattr__(name: str) -> Any:
    # Lazy imports keep `import laborlens` cheap (the CLI starts fast, workers fork light).
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'laborlens' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
