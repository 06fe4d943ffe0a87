import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from gongkai.accounts import services
from gongkai.accounts.context import LOGIN_AT_KEY, client_address, home_organisation

EXEMPT_NAMES = {
    "accounts:login",
    "accounts:login_verify",
    "accounts:logout",
    "accounts:password_change",
    "accounts:two_factor",
}


class StaffSecurityMiddleware:
    """Staff sessions: an absolute lifetime (whatever the activity); and in the office, a password to change (expired
    or set by an administrator), two-factor to set up when level 3 requires it; refused access is audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and session_too_old(request):
            logout(request)
            messages.info(request, "登录已超过最长时限，请重新登录")
            return redirect(reverse("accounts:login"))
        office = request.path.startswith(("/office/", "/admin/"))
        if office and request.user.is_authenticated:
            match = request.resolver_match or _resolve(request.path)
            name = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
            if name not in EXEMPT_NAMES:
                if services.has_confirmed_device(request.user) and not request.user.is_verified():
                    logout(request)
                    return redirect(reverse("accounts:login"))
                if request.user.must_change_password or services.password_expired(request.user):
                    return redirect(reverse("accounts:password_change"))
                if services.needs_two_factor_setup(request.user):
                    return redirect(reverse("accounts:two_factor"))
        response = self.get_response(request)
        if office and response.status_code == 403 and getattr(request, "user", None) is not None:
            audit_refused_access(request)
        return response


def session_too_old(request) -> bool:
    """GB/T 22239-2019 8.1.4.1 b): a session ends SESSION_ABSOLUTE_AGE seconds after login, active or not (the idle
    timeout is SESSION_COOKIE_AGE). A session from before this rule gets its clock started now."""
    started = request.session.get(LOGIN_AT_KEY)
    if started is None:
        request.session[LOGIN_AT_KEY] = int(time.time())
        return False
    return time.time() - started > settings.SESSION_ABSOLUTE_AGE


def audit_refused_access(request) -> None:
    """A signed-in user refused a page (403) is a security event (GB/T 22239-2019 8.1.4.3 a))."""
    from gongkai.audit.services import audit_record

    user = request.user
    if not user.is_authenticated:
        return
    audit_record(
        actor=user,
        action="access.denied",
        object_type="url",
        object_repr=f"{request.method} {request.get_full_path()}"[:200],
        organisation=home_organisation(user),
        ip_address=client_address(request),
    )


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
