"""Accounts and roles: who may do what. Pure: hashing and storage live in the adapters.

Roles (one per user, in one tenant):

- ``viewer`` reads everything of its tenant;
- ``analyst`` also screens, traces, opens cases, registers evidence and builds dossiers;
- ``reviewer`` also decides alerts (clear with a reason, confirm, escalate to a case);
- ``admin`` may do all of that and manage the tenant's users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Role = Literal["admin", "analyst", "reviewer", "viewer"]
Permission = Literal["read", "screen", "review", "admin"]

ROLES: tuple[str, ...] = ("admin", "analyst", "reviewer", "viewer")

#: Which roles hold each permission.
GRANTS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "screen": frozenset({"admin", "analyst"}),
    "review": frozenset({"admin", "reviewer"}),
    "admin": frozenset({"admin"}),
}

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")


class AccountError(ValueError):
    """A bad user name, role or credential."""


@dataclass(frozen=True, slots=True)
class User:
    """A user of one tenant."""

    name: str
    tenant: str
    role: str
    created_at: datetime | None = None
    disabled: bool = False

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission) and not self.disabled


def allowed(role: str, permission: str) -> bool:
    """Whether ``role`` holds ``permission``."""
    if permission not in GRANTS:
        raise AccountError(f"unknown permission {permission!r}")
    return role in GRANTS[permission]


def check_role(role: str) -> str:
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def check_user_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise AccountError(
            f"bad user name {name!r}: letters, digits, '.', '_', '@' or '-' (max 64)"
        )
    return name


def check_password(password: str) -> str:
    """A password long enough to resist guessing (NIST SP 800-63B asks for at least 8)."""
    if len(password) < 10:
        raise AccountError("a password needs at least 10 characters")
    return password
