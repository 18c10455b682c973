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
    """

    data_dir: Path = field(default_factory=lambda: Path(".laborlens"))
    workers: int = field(default_factory=_default_workers)
    batch_size: int = 2000
    user: str = "laborlens"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``LABORLENS_*`` variables (called by interfaces, never on import)."""
        env = os.environ if env is None else env
        s = cls()
        if env.get("LABORLENS_DATA_DIR"):
            s = replace(s, data_dir=Path(env["LABORLENS_DATA_DIR"]))
        if env.get("LABORLENS_WORKERS", "").isdigit():
            s = replace(s, workers=max(1, int(env["LABORLENS_WORKERS"])))
        if env.get("LABORLENS_USER"):
            s = replace(s, user=env["LABORLENS_USER"])
        elif env.get("USER"):
            s = replace(s, user=env["USER"])
        return s
