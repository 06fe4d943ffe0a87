"""Who may manage API tokens, and what a token may reach.

A token acts as its holder, so the office's rules apply unchanged (each service checks the holder's roles); the
token narrows them: only records in its organisation's subtree, only the scopes it was given."""

from gongkai.core.errors import PermissionDenied
from gongkai.orgs.permissions import can_manage, can_view

__all__ = ["can_manage_tokens", "covers", "require_scope"]


def can_manage_tokens(user, organisation) -> bool:
    """Create, list and revoke the tokens of an organisation: its 管理员 only."""
    return can_manage(user, organisation)


def covers(token, organisation) -> bool:
    """The organisation is in the token's subtree and its holder may still see it."""
    return organisation.path.startswith(token.organisation.path) and can_view(token.holder, organisation)


def require_scope(token, scope: str) -> None:
    if scope not in token.scopes:
        labels = {"read": "读取", "write": "写入", "personal_data": "读取个人信息"}
        raise PermissionDenied(f"该令牌没有“{labels.get(scope, scope)}”权限范围（scope={scope}）")
