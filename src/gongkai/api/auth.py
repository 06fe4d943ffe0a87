"""Authentication and rate limits of the API: a bearer token (api.services.token_authenticate), and a request
budget a minute per token — per client address for requests without one (settings.GONGKAI_API_LIMITS)."""

from django.conf import settings
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from gongkai.api.services import token_authenticate
from gongkai.core.clientaddr import client_address


class TokenAuth(HttpBearer):
    openapi_description = "接口令牌：Authorization: Bearer gk_…（由机构管理员在后台“接口令牌”中创建）"

    def authenticate(self, request, token):
        return token_authenticate(token)


class _PerMinute(SimpleRateThrottle):
    """A fixed budget a minute in the cache; the limit is read from settings on each request."""

    setting = ""

    def __init__(self):  # the rate is read per request, not frozen at import
        self.rate = None

    def allow_request(self, request) -> bool:
        self.rate = f"{settings.GONGKAI_API_LIMITS[self.setting]}/m"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class PerToken(_PerMinute):
    setting = "per_token"

    def get_cache_key(self, request):
        token = getattr(request, "auth", None)
        return f"gongkai-api-token-{token.pk}" if token is not None else None


class PerAddress(_PerMinute):
    setting = "per_address"

    def get_cache_key(self, request):
        if getattr(request, "auth", None) is not None:
            return None
        return f"gongkai-api-address-{client_address(request) or 'unknown'}"
