"""What a shared server needs from the operations: its store, accounts and job runner, and how
each error a request can meet is answered (HTTP status)."""

from __future__ import annotations

from pathlib import Path

from laborlens.adapters.io.readers import InputError
from laborlens.adapters.store import StoreError, StoreUnavailableError, open_store, redact
from laborlens.core.evidence.model import EvidenceError
from laborlens.core.lists import ListError
from laborlens.core.workspace.accounts import AccountError
from laborlens.core.workspace.alerts import DecisionError
from laborlens.core.workspace.jobs import QueryError
from laborlens.ops.accounts import Accounts
from laborlens.ops.jobs import JobRunner
from laborlens.ops.tracing import ChainInputError
from laborlens.ops.workspace import NotFoundError, SqlStore, WorkspaceError
from laborlens.settings import Settings

__all__ = ["HANDLED_ERRORS", "Server", "StoreError", "open_server", "redact", "status_for"]

#: errors caused by what the user sent (answered 400 with the message)
USER_ERRORS: tuple[type[Exception], ...] = (
    InputError, EvidenceError, ListError, AccountError, DecisionError, QueryError,
    ChainInputError, WorkspaceError,
)  # fmt: skip

#: every error :func:`status_for` answers
HANDLED_ERRORS: tuple[type[Exception], ...] = (NotFoundError, StoreError, *USER_ERRORS)


class Server:
    """The long-lived parts of a server process."""

    def __init__(self, store: SqlStore, accounts: Accounts, runner: JobRunner) -> None:
        self.store = store
        self.accounts = accounts
        self.runner = runner

    def close(self) -> None:
        self.runner.stop()
        self.store.close()


def open_server(
    settings: Settings,
    database: str | None = None,
    *,
    processes: int = 1,
    max_rows: int = 5_000_000,
) -> Server:
    """Open the store (migrating it), and make the accounts and the job runner (not started)."""
    store = open_store(Path(settings.data_dir), database)
    runner = JobRunner(store.db, Path(settings.data_dir), processes=processes, max_rows=max_rows)
    return Server(store, Accounts(store), runner)


def status_for(exc: Exception) -> int | None:
    """The HTTP status for an error a request met, ``None`` for a bug (a 500)."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreUnavailableError):
        return 503
    if isinstance(exc, StoreError):
        text = str(exc)
        if "already exists" in text or "already registered" in text:
            return 409
        return 404 if text.startswith("unknown ") else 400
    if isinstance(exc, USER_ERRORS):
        return 400
    return None
