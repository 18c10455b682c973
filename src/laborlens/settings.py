"""Settings: one object, built at the edge (CLI, app factory) and passed down.

No module reads the environment on import; ``Settings.from_env`` is called by interfaces only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path


def _default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


@dataclass(frozen=True, slots=True)
class Settings:
    """Run-time settings.

    Attributes:
        data_dir: where the store (DuckDB database, evidence files, audit log) lives.
        workers: worker processes for batch screening (1 = in-process).
        batch_size: records per screening batch.
        user: the name recorded in the audit log.
        cache_dir: where compiled screening indexes are kept (default ``data_dir/cache``).
        index_cache: keep compiled indexes on disk (``LABORLENS_INDEX_CACHE=0`` turns it off).
    """

    data_dir: Path = field(default_factory=lambda: Path(".laborlens"))
    workers: int = field(default_factory=_default_workers)
    batch_size: int = 2000
    user: str = "laborlens"
    cache_dir: Path | None = None
    index_cache: bool = True

    @property
    def index_cache_dir(self) -> Path | None:
        """The folder of the on-disk index cache, or ``None`` when it is off."""
        if not self.index_cache:
            return None
        return self.cache_dir or self.data_dir / "cache"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``LABORLENS_*`` variables (called by interfaces, never on import)."""
        env = os.environ if env is None else env
        s = cls()
        if env.get("LABORLENS_DATA_DIR"):
            s = replace(s, data_dir=Path(env["LABORLENS_DATA_DIR"]))
        if env.get("LABORLENS_WORKERS", "").isdigit():
            s = replace(s, workers=max(1, int(env["LABORLENS_WORKERS"])))
        if env.get("LABORLENS_CACHE_DIR"):
            s = replace(s, cache_dir=Path(env["LABORLENS_CACHE_DIR"]))
        if env.get("LABORLENS_INDEX_CACHE", "").strip().lower() in ("0", "no", "off", "false"):
            s = replace(s, index_cache=False)
        if env.get("LABORLENS_USER"):
            s = replace(s, user=env["LABORLENS_USER"])
        elif env.get("USER"):
            s = replace(s, user=env["USER"])
        return s
