from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Send the Content-Security-Policy header: only this site's own scripts, styles and fonts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
