"""Saved screening jobs and the questions asked of their results (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")
RESULT_SORTS: dict[str, str] = {
    "risk": "risk_rank",
    "score": "score",
    "row": "row",
    "name": "name",
}


class QueryError(ValueError):
    """A filter or sort that cannot be asked."""


@dataclass(frozen=True, slots=True)
class Job:
    """One saved screening of one uploaded file."""

    job_id: str
    filename: str
    input_sha256: str
    input_size: int
    as_of: date
    created_by: str
    created_at: datetime
    options_key: str
    status: str = "queued"
    title: str | None = None
    file_format: str | None = None
    encoding: str | None = None
    total_rows: int | None = None
    done_rows: int = 0
    error: str | None = None
    list_ids: tuple[str, ...] | None = None
    list_versions: dict[str, str] = field(default_factory=dict)
    algorithms: tuple[str, ...] = ()
    parent_id: str | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    attempts: int = 0

    @property
    def complete(self) -> bool:
        """Results are whole only once the job is done."""
        return self.status == "done"

    @property
    def progress(self) -> float:
        if self.status == "done":
            return 1.0
        if not self.total_rows:
            return 0.0
        return min(1.0, self.done_rows / self.total_rows)


@dataclass(frozen=True, slots=True)
class ResultQuery:
    """Which result rows, in which order: worst first by default."""

    risk: tuple[str, ...] = ()
    kind: str | None = None
    outcome: str | None = None
    list_id: str | None = None
    text: str | None = None
    screened: bool | None = None
    sort: str = "risk"
    descending: bool = True
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if self.sort not in RESULT_SORTS:
            raise QueryError(f"unknown sort {self.sort!r}; choose one of {', '.join(RESULT_SORTS)}")
        bad = [r for r in self.risk if r not in ("high", "medium", "low", "none", "not_screened")]
        if bad:
            raise QueryError(f"unknown risk {bad[0]!r}")
        if not 1 <= self.limit <= 1000 or self.offset < 0:
            raise QueryError("limit must be 1..1000 and offset >= 0")


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """Which alerts: open ones first in the queue by default."""

    status: tuple[str, ...] = ("open",)
    job_id: str | None = None
    kind: str | None = None
    party_key: str | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0
