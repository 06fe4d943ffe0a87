"""Office pages of the channels (channels/urls_office.py, mounted at /office/channels/): the channel board (what is
pending, failed, dead, confirmed, with retry and confirmation), printable notices, and the channel settings; and
the public LED feed (channels/urls_portal.py)."""

import datetime
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from gongkai.channels import forms, notices, permissions, queries, services
from gongkai.channels.adapters import Item, adapter_class
from gongkai.channels.models import ChannelTarget, Dispatch, DispatchStatus, Subscriber, TargetKind, Topic
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs.current import get_record_for_staff, require_current_organisation
from gongkai.orgs.queries import subtree
from gongkai.privacy.mask import mask_mobile

BOARD_KINDS = (TargetKind.NOTICE_BOARD, TargetKind.VILLAGE_BOARD)
PERIODS = {"7": 7, "30": 30, "365": 365}


def _dispatch(request, pk) -> Dispatch:
    return get_record_for_staff(request, Dispatch, pk, check=permissions.can_send)


def _material(dispatch: Dispatch) -> dict:
    """What staff need for a send they complete by hand: the ready text (QQ groups, the service hall)."""
    target = services.target_value(dispatch.target)
    return adapter_class(target.kind).render(Item.from_json(dispatch.item), target)


@login_required
@require_GET
def board(request):
    organisation = require_current_organisation(request)
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    period = request.GET.get("period", "30")
    since = timezone.now() - datetime.timedelta(days=PERIODS.get(period, 30))
    rows = queries.dispatches(
        organisation,
        status=status if status in DispatchStatus.values else None,
        kind=kind if kind in TargetKind.values else None,
    ).filter(created_at__gte=since)[:200]
    counts = queries.dispatch_counts(organisation, since=since)
    table = [
        (label, [counts.get((value, s), 0) for s in DispatchStatus.values])
        for value, label in TargetKind.choices
        if any(counts.get((value, s)) for s in DispatchStatus.values)
    ]
    by_staff = {k for k in TargetKind.values if _confirms(k) == "by_staff"}
    return render(
        request,
        "channels/board.html",
        {
            "organisation": organisation,
            "rows": rows,
            "table": table,
            "statuses": DispatchStatus.choices,
            "kinds": TargetKind.choices,
            "status": status,
            "kind": kind,
            "period": period,
            "by_staff": by_staff,
            "board_kinds": BOARD_KINDS,
            "can_send": permissions.can_send(request.user, organisation),
            "blocked": queries.targets(organisation).filter(blocked_at__isnull=False),
            "confirm_form": forms.ConfirmForm(initial={"confirmed_on": timezone.localdate()}),
        },
    )


def _confirms(kind: str) -> str:
    try:
        return adapter_class(kind).confirms
    except LookupError:
        return ""


@login_required
@require_POST
def dispatch_retry(request, pk):
    dispatch = _dispatch(request, pk)
    try:
        services.dispatch_retry(dispatch=dispatch, actor=request.user)
        messages.success(request, f"已重新排队发送：{dispatch.target.name}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("channels_office:board")


@login_required
@require_POST
def dispatch_confirm(request, pk):
    dispatch = _dispatch(request, pk)
    if _confirms(dispatch.target.kind) != "by_staff":
        raise PermissionDenied("该渠道由系统确认送达")
    form = forms.ConfirmForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.dispatch_confirm(
                dispatch=dispatch,
                actor=request.user,
                confirmed_on=form.cleaned_data["confirmed_on"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
            messages.success(request, f"已确认：{dispatch.target.name}")
            return redirect("channels_office:board")
        except DomainError as exc:
            add_domain_error(form, exc)
    messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("channels_office:board")


@login_required
@require_GET
def dispatch_material(request, pk):
    """The notice to print (PDF, A4 or A3) or the text to paste, for one send completed by hand."""
    dispatch = _dispatch(request, pk)
    if dispatch.target.kind in BOARD_KINDS:
        size = request.GET.get("size", "A4")
        size = size if size in notices.SIZES else "A4"
        pdf = notices.notice_pdf([Item.from_json(dispatch.item)], size=size, today=timezone.localdate())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{dispatch.pk}-{size}.pdf"'
        return response
    material = _material(dispatch)
    return HttpResponse(
        material.get("text", json.dumps(material, ensure_ascii=False)),
        content_type="text/plain; charset=utf-8",
    )


@login_required
@require_GET
def notices_batch(request):
    """Every notice waiting to be put up in the organisation's subtree, one PDF for all the boards at once."""
    organisation = require_current_organisation(request)
    if not permissions.can_send(request.user, organisation):
        raise PermissionDenied("您没有权限打印张贴通知")
    size = request.GET.get("size", "A4")
    size = size if size in notices.SIZES else "A4"
    rows = [
        d
        for kind in BOARD_KINDS
        for d in queries.dispatches(organisation, status=DispatchStatus.SUBMITTED, kind=kind).order_by(
            "target__name", "id"
        )
    ]
    if not rows:
        messages.info(request, "没有待张贴的通知")
        return redirect("channels_office:board")
    pdf = notices.notice_pdf([Item.from_json(d.item) for d in rows], size=size, today=timezone.localdate())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notices-{timezone.localdate():%Y%m%d}-{size}.pdf"'
    return response


@login_required
@require_GET
def targets(request):
    organisation = require_current_organisation(request)
    rows = [
        (t, services.masked_secrets(t))
        for t in queries.targets(organisation).exclude(kind=TargetKind.WEBSITE)
    ]
    return render(
        request,
        "channels/targets.html",
        {
            "organisation": organisation,
            "rows": rows,
            "can_configure": permissions.can_configure(request.user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, pk=None):
    organisation = require_current_organisation(request)
    target = None
    if pk is not None:
        target = get_record_for_staff(request, ChannelTarget, pk, check=permissions.can_configure)
        organisation = target.organisation
    elif not permissions.can_configure(request.user, organisation):
        raise PermissionDenied("只有管理员可以设置渠道")
    if request.method == "POST":
        form = forms.TargetForm(request.POST)
        if form.is_valid():
            try:
                services.target_save(
                    organisation=organisation,
                    actor=request.user,
                    target=target,
                    kind=form.cleaned_data["kind"],
                    name=form.cleaned_data["name"],
                    config=form.cleaned_data["config"],
                    secrets=form.cleaned_data["secrets"],
                    enabled=form.cleaned_data["enabled"],
                    default_on=form.cleaned_data["default_on"],
                )
                messages.success(request, "渠道已保存")
                return redirect("channels_office:targets")
            except DomainError as exc:
                add_domain_error(form, exc)
    else:
        initial = {"enabled": True, "default_on": True}
        if target is not None:
            initial = {
                "kind": target.kind,
                "name": target.name,
                "enabled": target.enabled,
                "default_on": target.default_on,
                "config": json.dumps(target.config, ensure_ascii=False, indent=1),
            }
        form = forms.TargetForm(initial=initial)
    return render(
        request,
        "channels/target_form.html",
        {
            "organisation": organisation,
            "form": form,
            "target": target,
            "masked": services.masked_secrets(target) if target else {},
        },
    )


@login_required
@require_POST
def target_unblock(request, pk):
    target = get_record_for_staff(request, ChannelTarget, pk, check=permissions.can_configure)
    try:
        services.target_unblock(target=target, actor=request.user)
        messages.success(request, f"已恢复：{target.name}")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("channels_office:targets")


# ---- the public LED feed ----------------------------------------------------------------------------------------


def _screen(pk) -> tuple[ChannelTarget, list[str]]:
    screen = get_object_or_404(ChannelTarget, pk=pk, kind=TargetKind.LED_SCREEN, enabled=True)
    config = screen.config or {}
    items = [Item.from_json(d) for d in queries.screen_items(screen)]
    shown = notices.led_current(items, today=timezone.localdate(), days=int(config.get("days", 7)))
    return screen, [notices.led_line(i, max_chars=int(config.get("max_chars", 60))) for i in shown]


@require_safe
def led_feed(request, pk, fmt):
    """What a screen shows now, for its controller to fetch: plain text (one line each), JSON, or a PNG at the
    screen's resolution (config width × height)."""
    screen, lines = _screen(pk)
    if fmt == "txt":
        return HttpResponse(
            "\n".join(lines) + ("\n" if lines else ""), content_type="text/plain; charset=utf-8"
        )
    if fmt == "json":
        return JsonResponse(
            {"screen": screen.name, "lines": lines}, json_dumps_params={"ensure_ascii": False}
        )
    if fmt == "png":
        width = int(screen.config.get("width", 192))
        height = int(screen.config.get("height", 64))
        if not (8 <= width <= 4096 and 8 <= height <= 4096):
            raise Http404("屏幕分辨率设置无效")
        return HttpResponse(notices.led_png(lines, width=width, height=height), content_type="image/png")
    raise Http404


# ---- SMS subscribers --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def subscribers(request):
    organisation = require_current_organisation(request)
    can_send = permissions.can_send(request.user, organisation)
    villages = subtree(organisation)
    form = forms.SubscriberForm(
        request.POST or None, organisations=villages, initial={"consent_on": timezone.localdate()}
    )
    if request.method == "POST":
        if not can_send:
            raise PermissionDenied("您没有权限登记短信订阅")
        if form.is_valid():
            try:
                services.subscriber_add(actor=request.user, **form.cleaned_data)
                messages.success(request, "已登记短信订阅")
                return redirect("channels_office:subscribers")
            except DomainError as exc:
                add_domain_error(form, exc)
    rows = [(s, mask_mobile(str(s.phone))) for s in queries.subscribers(organisation)[:500]]
    return render(
        request,
        "channels/subscribers.html",
        {
            "organisation": organisation,
            "rows": rows,
            "form": form,
            "can_send": can_send,
            "topics": dict(Topic.choices),
        },
    )


@login_required
@require_POST
def subscriber_opt_out(request, pk):
    subscriber = get_record_for_staff(request, Subscriber, pk, check=permissions.can_send)
    services.subscriber_opt_out(
        organisation=subscriber.organisation, phone=str(subscriber.phone), actor=request.user
    )
    messages.success(request, "已退订")
    return redirect("channels_office:subscribers")
