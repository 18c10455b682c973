"""The same selection of lists as the same object, so its screening index is built once.

``ListSet.select`` makes a new object each call, and the index cache is keyed by object: a
server that selected lists per request would compile the index (seconds) every time.
"""

from __future__ import annotations

from collections.abc import Sequence
from threading import Lock

from laborlens.core.lists import ListSet

_CACHE: dict[tuple[int, tuple[str, ...]], tuple[ListSet, ListSet]] = {}
_LOCK = Lock()
_SIZE = 16


def select(base: ListSet, ids: Sequence[str] | None) -> ListSet:
    """``base.select(ids)``, cached per (base, ids); ``None`` or every id gives ``base``.

    Raises:
        ListError: an unknown id.
    """
    if not ids or tuple(ids) == base.ids():
        return base
    key = (id(base), tuple(ids))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] is base:
            return hit[1]
    chosen = base.select(list(ids))
    with _LOCK:
        if len(_CACHE) >= _SIZE:
            _CACHE.clear()
        _CACHE[key] = (base, chosen)
    return chosen
