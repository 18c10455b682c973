"""A bounded memo for values derived from an immutable object (shared by rules and products)."""

from __future__ import annotations

import contextlib
from typing import Any


class Memo:
    """A bounded memo of values derived from an immutable object (oldest evicted first).

    It holds only pure functions of its owner, so it never changes a result; it pickles empty
    (a worker process rebuilds what it needs).
    """

    __slots__ = ("data", "limit")

    def __init__(self, limit: int = 4096) -> None:
        self.data: dict[Any, Any] = {}
        self.limit = limit

    def __reduce__(self) -> tuple[type[Memo], tuple[int]]:
        return (Memo, (self.limit,))

    def put(self, key: Any, value: Any) -> None:
        data = self.data
        if len(data) >= self.limit:
            # another thread may have evicted it first
            with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                del data[next(iter(data))]
        data[key] = value
