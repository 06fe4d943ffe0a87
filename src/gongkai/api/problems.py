"""Errors of the API as RFC 9457 problem details (`application/problem+json`), with the `detail` in Chinese.

Every refusal — a malformed request, a missing or dead token, a role or scope that does not allow it, a record
outside the token's subtree, a rule of the domain (the service's own `DomainError` message), a rate limit — is one
of the problem types below; `type` names it (a URN: stable, not a page to fetch)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from gongkai.core.errors import DomainError
from gongkai.core.errors import PermissionDenied as DomainPermissionDenied

MEDIA_TYPE = "application/problem+json"

TITLES = {
    400: "请求无效",
    401: "未认证",
    403: "无权操作",
    404: "未找到",
    405: "不支持的请求方法",
    409: "状态冲突",
    422: "请求不符合要求",
    429: "请求过于频繁",
    500: "服务器内部错误",
}

PYDANTIC_WORDS = {
    "missing": "缺少该字段",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为布尔值",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）",
    "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_type": "应为日期（YYYY-MM-DD）",
    "datetime_parsing": "应为时间（ISO 8601）",
    "string_type": "应为字符串",
    "string_too_long": "过长",
    "string_too_short": "过短",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "literal_error": "不是允许的取值",
    "enum": "不是允许的取值",
    "list_type": "应为数组",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "不是有效的 JSON",
    "extra_forbidden": "不允许的字段",
    "decimal_parsing": "应为数字",
    "string_pattern_mismatch": "格式不正确",
    "value_error": "取值无效",
}


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    field: str | None = None


def problem(
    request, status: int, detail: str, *, kind: str, field: str | None = None, **extra
) -> JsonResponse:
    body = {
        "type": f"urn:gongkai:problem:{kind}",
        "title": TITLES.get(status, "错误"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if field:
        body["field"] = field
    body.update(extra)
    return JsonResponse(
        body, status=status, content_type=MEDIA_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def _location(loc) -> str:
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "payload", "form")]
    return ".".join(parts) or "请求"


def _validation(request, exc: ValidationError):
    errors = [
        {"field": _location(e.get("loc", ())), "problem": PYDANTIC_WORDS.get(e.get("type", ""), "取值无效")}
        for e in exc.errors
    ]
    detail = "请求参数有误：" + "；".join(f"{e['field']}：{e['problem']}" for e in errors)
    first = errors[0]["field"] if errors else None
    return problem(request, 422, detail, kind="validation", field=first, errors=errors)


def _domain(request, exc: DomainError):
    if isinstance(exc, DomainPermissionDenied):
        return problem(request, 403, exc.message, kind="forbidden", field=exc.field)
    return problem(request, 422, exc.message, kind="domain", field=exc.field)


def _http_error(request, exc: HttpError):
    if isinstance(exc, Throttled):
        response = problem(request, 429, "请求过于频繁，请稍后再试", kind="rate-limited")
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response
    if isinstance(exc, AuthenticationError):
        response = problem(
            request,
            401,
            "缺少有效的接口令牌（Authorization: Bearer gk_…），或令牌已过期、已吊销",
            kind="unauthorized",
        )
        response["WWW-Authenticate"] = 'Bearer realm="gongkai"'
        return response
    detail = (
        exc.message
        if any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
        else TITLES.get(exc.status_code, "错误")
    )
    return problem(request, exc.status_code, detail, kind="http")


def _not_found(request, exc: Http404):
    message = str(exc)
    return problem(
        request, 404, message if message and not message.isascii() else "没有找到该记录", kind="not-found"
    )


def _forbidden(request, exc: DjangoPermissionDenied):
    message = str(exc)
    return problem(
        request,
        403,
        message if message and not message.isascii() else "您没有权限执行此操作",
        kind="forbidden",
    )


def install(api) -> None:
    """Replace ninja's default error bodies with problem details."""
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(DomainError, _domain)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(DjangoPermissionDenied, _forbidden)


def responses(*statuses: int) -> dict:
    """The problem responses an operation documents (401 and 429 are added to every operation by the schema)."""
    return dict.fromkeys(statuses, Problem)
