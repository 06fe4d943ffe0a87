from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

from gongkai.accounts import services

EXEMPT_NAMES = {
    "accounts:login",
    "accounts:login_verify",
    "accounts:logout",
    "accounts:password_change",
    "accounts:two_factor",
}


class StaffSecurityMiddleware:
    """In the office: an expired password must be changed, and two-factor set up when level 3 requires it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(("/office/", "/admin/")) and request.user.is_authenticated:
            match = request.resolver_match or _resolve(request.path)
            name = f"{match.namespace}:{match.url_name}" if match and match.namespace else ""
            if name not in EXEMPT_NAMES:
                if services.has_confirmed_device(request.user) and not request.user.is_verified():
                    logout(request)
                    return redirect(reverse("accounts:login"))
                if services.password_expired(request.user):
                    return redirect(reverse("accounts:password_change"))
                if services.needs_two_factor_setup(request.user):
                    return redirect(reverse("accounts:two_factor"))
        return self.get_response(request)


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
