"""/api/v1/: the NinjaAPI instance. django-ninja builds the OpenAPI 3.1 schema (/api/v1/openapi.json) from the
type hints and pydantic schemas of the endpoints, and serves Swagger UI (/api/v1/docs) from the static files of
its own package — no CDN (settings.INSTALLED_APPS has "ninja", so its template loads them from /static/ninja/)."""

from ninja import NinjaAPI

from gongkai.api import problems, public, staff
from gongkai.api.auth import PerAddress, PerToken

DESCRIPTION = """政府信息公开平台的开放接口。

- 公开接口无需令牌，所见与门户网站一致。
- 机构接口需机构管理员在后台“接口令牌”中创建的令牌（`Authorization: Bearer gk_…`），以持有人的角色办事，
  限于令牌所属机构及其下级，并受令牌权限范围（read / write / personal_data）限制。
- 错误按 RFC 9457 以 `application/problem+json` 返回，`detail` 为中文说明。
- 每个令牌（无令牌时每个地址）每分钟的请求数有上限，超出返回 429。
"""


class GongkaiAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Problem responses under their own media type; 400 on those with a body, 422 and 429 on every operation, 401 on those with a
        token."""
        schema = super().get_openapi_schema(*args, **kwargs)
        problem_ref = {"$ref": "#/components/schemas/Problem"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                found = operation.setdefault("responses", {})
                if operation.get("requestBody"):
                    found.setdefault(400, {"description": "请求体不是有效的 JSON"})
                found.setdefault(422, {"description": "请求不符合要求"})
                found[429] = {"description": "请求过于频繁"}
                if operation.get("security"):
                    found[401] = {"description": "未认证"}
                for status, response in found.items():
                    if int(status) >= 400:
                        response["content"] = {problems.MEDIA_TYPE: {"schema": problem_ref}}
        schema.setdefault("components", {}).setdefault("schemas", {}).setdefault(
            "Problem", problems.Problem.model_json_schema()
        )
        return schema


api = GongkaiAPI(
    title="Gongkai 政府信息公开 API",
    version="1.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    openapi_url="/openapi.json",
    docs_url="/docs",
    throttle=[PerToken(), PerAddress()],
)
problems.install(api)
api.add_router("", public.router)
api.add_router("/staff", staff.router)
