from __future__ import annotations

import pytest

from laborlens.core.workspace.accounts import (
    ROLES,
    AccountError,
    User,
    allowed,
    check_password,
    check_role,
    check_user_name,
)


def test_role_matrix() -> None:
    table = {r: [p for p in ("read", "screen", "review", "admin") if allowed(r, p)] for r in ROLES}
    assert table == {
        "admin": ["read", "screen", "review", "admin"],
        "analyst": ["read", "screen"],
        "reviewer": ["read", "review"],
        "viewer": ["read"],
    }
    assert not User("x", "t", "admin", disabled=True).can("read")


def test_bad_input() -> None:
    with pytest.raises(AccountError, match="unknown role"):
        check_role("root")
    with pytest.raises(AccountError, match="bad user name"):
        check_user_name("a b")
    with pytest.raises(AccountError, match="10 characters"):
        check_password("short")
    with pytest.raises(AccountError, match="unknown permission"):
        allowed("admin", "fly")
