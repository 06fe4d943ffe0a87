import re

from django.conf import settings

SITE_NAME = "政府信息公开平台"


def _police_record_code(text: str) -> str:
    """The digits of a 公安备案 number, for the link to its record on the national registry."""
    found = re.search(r"\d{10,}", text or "")
    return found.group(0) if found else ""


def site(request):
    footer = dict(getattr(settings, "SITE_FOOTER", {}))
    footer["police_code"] = _police_record_code(footer.get("police", ""))
    return {
        "site_name": getattr(settings, "GONGKAI_SITE_NAME", SITE_NAME) or SITE_NAME,
        "large_text": getattr(request, "large_text", False),
        "require_two_factor": settings.REQUIRE_TWO_FACTOR,
        "site_footer": footer,
    }
