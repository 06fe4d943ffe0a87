from django.conf import settings

SITE_NAME = "政府信息公开平台"


def site(request):
    return {
        "site_name": getattr(settings, "GONGKAI_SITE_NAME", SITE_NAME),
        "large_text": getattr(request, "large_text", False),
        "require_two_factor": settings.REQUIRE_TWO_FACTOR,
    }
