"""The server's shared state and who is asking: bearer tokens, web sessions, CSRF, roles.

Every ``/api/…`` call except the health check must say who it is: ``Authorization: Bearer
<token>`` (tools; ``ApiKey <token>`` is accepted too, as OpenSanctions clients send it), or the
session cookie of a signed-in browser. A browser's state-changing requests must also carry the
session's CSRF token in ``X-CSRF-Token`` (the cookie alone proves nothing: another site can make
the browser send it). Without credentials: 401; with a role that lacks the permission: 403; an id
of another tenant's job, alert or case is answered exactly as an unknown id: 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from laborlens.ops.accounts import Accounts, Session, User, same_secret
from laborlens.ops.jobs import JobRunner
from laborlens.ops.workspace import SqlStore, Workspace
from laborlens.settings import Settings

SESSION_COOKIE = "laborlens_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class ServerState:
    """What every request shares: the store (tenant ``default`` view), accounts, the runner."""

    settings: Settings
    store: SqlStore
    accounts: Accounts
    runner: JobRunner
    max_upload_bytes: int
    secure_cookies: bool = False

    @property
    def upload_dir(self) -> Path:
        return self.settings.data_dir / "uploads"

    def workspace(self, user: User) -> Workspace:
        return Workspace(self.store.scoped(user.tenant), user, self.settings, self.runner)


@dataclass(frozen=True)
class Caller:
    user: User
    session: Session | None  # None when authenticated by token


def state_of(request: Request) -> ServerState:
    state: ServerState = request.app.state.laborlens
    return state


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(401, message, headers={"WWW-Authenticate": 'Bearer realm="laborlens"'})


def identify(request: Request) -> Caller:
    """The caller, or 401 (and 403 for a cookie request without its CSRF token)."""
    state = state_of(request)
    header = request.headers.get("authorization")
    if header:
        scheme, _, credential = header.partition(" ")
        if scheme.lower() not in ("bearer", "apikey") or not credential.strip():
            raise _unauthorized("use 'Authorization: Bearer <token>'")
        user = state.accounts.user_for_token(credential.strip())
        if user is None:
            raise _unauthorized("unknown or revoked token")
        return Caller(user, None)
    sid = request.cookies.get(SESSION_COOKIE)
    if not sid:
        raise _unauthorized("sign in, or send 'Authorization: Bearer <token>'")
    session = state.accounts.session(sid)
    if session is None:
        raise _unauthorized("the session has expired; sign in again")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not same_secret(sent, session.csrf):
            raise HTTPException(403, "missing or wrong CSRF token (X-CSRF-Token)")
    return Caller(session.user, session)


def need(permission: str) -> Callable[..., Workspace]:
    """A dependency: the caller's workspace when their role holds ``permission``, else 403."""

    def dependency(request: Request, caller: Annotated[Caller, Depends(identify)]) -> Workspace:
        if not caller.user.can(permission):
            raise HTTPException(
                403, f"role '{caller.user.role}' may not do this (needs '{permission}')"
            )
        return state_of(request).workspace(caller.user)

    dependency.__name__ = f"need_{permission}"
    return dependency
