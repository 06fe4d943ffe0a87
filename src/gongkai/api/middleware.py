"""Requests to the API that carry a NUL character are refused before any view runs.

PostgreSQL text cannot hold NUL (0x00): such a value reaching a query or a save raises in the driver, a 500 the
OpenAPI fuzzer found (`?org=…%00`). No field of the API may contain one, so the request is answered 422 as a
problem, like any other invalid parameter, whatever the database."""

from gongkai.api.problems import problem

NUL_IN_TEXT = (b"%00", b"\\u0000", b"\x00")  # URL-encoded, JSON-escaped, raw
BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/")


def _carries_nul(request) -> str | None:
    """Where the request carries a NUL: "query", "body" or None. The query string is read decoded (%00 is NUL);
    a JSON or form body is searched raw, URL-encoded and JSON-escaped."""
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
        return "query"
    has_text_body = request.method in ("POST", "PUT", "PATCH") and request.content_type.startswith(BODY_TYPES)
    if has_text_body and any(mark in request.body for mark in NUL_IN_TEXT):
        return "body"
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            where = _carries_nul(request)
            if where:
                detail = (
                    "请求参数有误：不能含有空字符（NUL）"
                    if where == "query"
                    else "请求体有误：不能含有空字符（NUL）"
                )
                return problem(request, 422, detail, kind="validation", field=where)
        return self.get_response(request)
