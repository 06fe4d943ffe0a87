"""Who and where a staff request comes from: shared by the middleware, the services and the signal handlers."""

from gongkai.core.clientaddr import client_address as real_address
from gongkai.orgs.permissions import root_organisations

# Session key: when the user logged in (the absolute session lifetime counts from it).
LOGIN_AT_KEY = "gongkai_login_at"


def client_address(request):
    if request is None:
        return None
    return getattr(request, "axes_ip_address", None) or real_address(request)


def home_organisation(user):
    """Where a user's own events belong in the audit log: the top of their grants, so their admins see them."""
    if user is None or not getattr(user, "pk", None):
        return None
    roots = root_organisations(user)
    return roots[0] if roots else None
