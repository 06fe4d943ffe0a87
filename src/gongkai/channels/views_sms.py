"""SMS pages and callbacks: the vendors' pushes (channels/urls_callbacks.py, mounted at /callbacks/sms/) and the
office's XLSX import of subscribers (channels/urls_sms_office.py, mounted at /office/channels/sms/).

Callbacks. Neither vendor signs what it pushes, so each SMS target has its own addresses with a secret in the path
(services.sms_callback_token); a wrong secret or target is a 404, a target over its budget a 429. They take no
session and no CSRF token (csrf_exempt: the vendor holds neither), only POST with a JSON body.

- 阿里云 SmsReport (状态报告, HTTP 批量推送): a JSON array of {phone_number, send_time, report_time, success, err_code,
  err_msg, sms_size, biz_id, out_id}; answered {"code": 0, "msg": "成功"}. Aliyun retries a non-200 after 1, 5 and
  10 minutes and does not promise one push per report (https://help.aliyun.com/zh/sms/developer-reference/smsreport-2).
- 阿里云 SmsUp (上行短信): a JSON array of {phone_number, content, send_time, dest_code, sequence_id}; same answer
  (https://help.aliyun.com/zh/sms/developer-reference/smsup-http).
- 腾讯云 短信下发状态通知: a JSON array of {user_receive_time, nationcode, mobile, report_status SUCCESS|FAIL, errmsg,
  description, sid = SendSms's SerialNo}; answered {"result": 0, "errmsg": "OK"}
  (https://cloud.tencent.com/document/api/382/5807).
- 腾讯云 短信回复: one JSON object {extend, mobile, nationcode, sign, text, time}; same answer
  (https://cloud.tencent.com/document/api/382/5809).
"""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.channels import permissions, services, subscriber_import
from gongkai.channels.models import ChannelTarget, TargetKind
from gongkai.core.errors import DomainError
from gongkai.orgs.current import require_current_organisation

logger = logging.getLogger("gongkai.channels")

CALLBACK_KINDS = (TargetKind.SMS_ALIYUN, TargetKind.SMS_TENCENT)
MAX_CALLBACK_BYTES = 1024 * 1024


def _answer(kind: str, ok: bool = True, status: int = 200, message: str = "") -> JsonResponse:
    """The answer each vendor expects: Aliyun checks `code` is a number, Tencent reads `result` 0."""
    if kind == TargetKind.SMS_ALIYUN:
        body = {"code": 0 if ok else 1, "msg": "成功" if ok else message}
    else:
        body = {"result": 0 if ok else 1, "errmsg": "OK" if ok else message}
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _callback_target(pk: int, token: str) -> ChannelTarget:
    target = (
        ChannelTarget.objects.select_related("organisation").filter(pk=pk, kind__in=CALLBACK_KINDS).first()
    )
    if target is None or not hmac.compare_digest(services.sms_callback_token(target), token):
        raise Http404
    return target


def _over_budget(target: ChannelTarget) -> bool:
    """A fixed window a minute per target in the cache (settings.SMS_CALLBACKS_PER_MINUTE)."""
    key = f"channels:sms-callback:{target.pk}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        return cache.incr(key) > settings.SMS_CALLBACKS_PER_MINUTE
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return False


def _body(request):
    if len(request.body) > MAX_CALLBACK_BYTES:
        raise ValueError("too large")
    return json.loads(request.body.decode("utf-8"))


def _reports(kind: str, body) -> list[services.SmsReport]:
    if not isinstance(body, list):
        raise ValueError("not an array")
    reports = []
    for row in body:
        if not isinstance(row, dict):
            raise ValueError("not an object")
        if kind == TargetKind.SMS_ALIYUN:
            reports.append(
                services.SmsReport(
                    phone=services.mobile_from_vendor(row.get("phone_number", ""))
                    or str(row.get("phone_number")),
                    delivered=row.get("success") is True or str(row.get("success")).lower() == "true",
                    code=str(row.get("err_code", ""))[:40],
                    message=str(row.get("err_msg", ""))[:100],
                    key=str(row.get("out_id") or ""),
                    external_id=str(row.get("biz_id") or ""),
                )
            )
        else:
            reports.append(
                services.SmsReport(
                    phone=services.mobile_from_vendor(row.get("mobile", ""), str(row.get("nationcode", "86")))
                    or str(row.get("mobile")),
                    delivered=str(row.get("report_status", "")).upper() == "SUCCESS",
                    code=str(row.get("errmsg", ""))[:40],
                    message=str(row.get("description", ""))[:100],
                    external_id=str(row.get("sid") or ""),
                )
            )
    return reports


def _replies(kind: str, body) -> list[tuple[str, str]]:
    if kind == TargetKind.SMS_ALIYUN:
        if not isinstance(body, list):
            raise ValueError("not an array")
        return [
            (services.mobile_from_vendor(row.get("phone_number", "")), str(row.get("content", "")))
            for row in body
            if isinstance(row, dict)
        ]
    rows = body if isinstance(body, list) else [body]  # one object per reply; an array is read as well
    return [
        (
            services.mobile_from_vendor(row.get("mobile", ""), str(row.get("nationcode", "86"))),
            str(row.get("text", "")),
        )
        for row in rows
        if isinstance(row, dict)
    ]


@csrf_exempt
@require_POST
def sms_report(request, pk: int, token: str):
    """状态报告 pushed by the vendor: kept on the sends they belong to (services.sms_receipts_receive)."""
    target = _callback_target(pk, token)
    if _over_budget(target):
        return _answer(target.kind, ok=False, status=429, message="too many requests")
    try:
        reports = _reports(target.kind, _body(request))
    except (ValueError, UnicodeDecodeError):
        return _answer(target.kind, ok=False, status=400, message="invalid body")
    try:
        counts = services.sms_receipts_receive(target=target, reports=reports)
    except services.CallbackBusy:
        return _answer(target.kind, ok=False, status=503, message="busy, push again")
    logger.info("sms report target=%s %s", target.pk, counts)
    return _answer(target.kind)


@csrf_exempt
@require_POST
def sms_reply(request, pk: int, token: str):
    """上行短信 pushed by the vendor: an opt-out keyword ends the number's subscriptions (services.sms_reply_receive)."""
    target = _callback_target(pk, token)
    if _over_budget(target):
        return _answer(target.kind, ok=False, status=429, message="too many requests")
    try:
        replies = _replies(target.kind, _body(request))
    except (ValueError, UnicodeDecodeError, AttributeError):
        return _answer(target.kind, ok=False, status=400, message="invalid body")
    ended = sum(services.sms_reply_receive(target=target, phone=phone, text=text) for phone, text in replies)
    logger.info("sms replies target=%s replies=%s ended=%s", target.pk, len(replies), ended)
    return _answer(target.kind)


# ---- XLSX import of subscribers (office) ------------------------------------------------------------------------


@login_required
@require_GET
def import_template(request):
    """The empty workbook to fill in: the header row and one example row."""
    require_current_organisation(request)
    response = HttpResponse(
        subscriber_import.template_bytes(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''subscribers-template.xlsx"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_subscribers(request):
    """Upload → 试导入 (the dry run: every row's problems and what would be created or updated) → 确认导入 (the same
    workbook, carried encrypted in the page, read again and written in one transaction)."""
    organisation = require_current_organisation(request)
    if not permissions.can_send(request.user, organisation):
        raise PermissionDenied("您没有权限导入短信订阅")
    context = {"organisation": organisation, "plan": None, "error": "", "payload": ""}
    if request.method == "POST":
        try:
            if request.POST.get("confirm") == "1":
                data = subscriber_import.payload_read(request.POST.get("payload", ""))
            else:
                upload = request.FILES.get("file")
                data = subscriber_import.upload_read(upload)
            rows = subscriber_import.read_workbook(data)
            plan = services.subscribers_import_plan(organisation=organisation, rows=rows)
            if request.POST.get("confirm") == "1":
                result = services.subscribers_import_apply(
                    organisation=organisation, actor=request.user, plan=plan
                )
                messages.success(request, f"已导入：新增 {result['created']} 人，更新 {result['updated']} 人")
                return redirect("channels_office:subscribers")
            context.update(plan=plan, payload=subscriber_import.payload_write(data))
        except DomainError as exc:
            context["error"] = exc.message
    return render(request, "channels/subscriber_import.html", context)


@login_required
@require_GET
def callback_addresses(request):
    """The addresses to enter in each SMS vendor's console (状态报告 and 上行短信 HTTP push): administrators only,
    since the address is the credential."""
    organisation = require_current_organisation(request)
    if not permissions.can_configure(request.user, organisation):
        raise PermissionDenied("仅管理员可查看短信回调地址")
    rows = []
    for target in ChannelTarget.objects.filter(organisation=organisation, kind__in=CALLBACK_KINDS):
        token = services.sms_callback_token(target)
        rows.append(
            {
                "target": target,
                "report": request.build_absolute_uri(
                    reverse("channels_callbacks:report", args=[target.pk, token])
                ),
                "reply": request.build_absolute_uri(
                    reverse("channels_callbacks:reply", args=[target.pk, token])
                ),
                "limit": services.sms_daily_limit(target),
            }
        )
    return render(
        request,
        "channels/sms_callbacks.html",
        {"organisation": organisation, "rows": rows, "keywords": sorted(services.OPT_OUT_KEYWORDS)},
    )
