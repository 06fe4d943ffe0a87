"""The portal's 订阅短信提醒 (channels/urls_portal.py): a villager subscribes their number to their village's
notices and confirms it with an SMS code; unsubscribing takes one confirmation (a code, or the signed link shown
when they subscribed). The rules are channels.services.phone_check_send / phone_check_confirm."""

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from gongkai.channels import services
from gongkai.channels.forms_subscribe import CodeForm, SubscribeForm, UnsubscribeForm
from gongkai.channels.models import PhoneCheck, PhoneCheckPurpose, Topic
from gongkai.core.clientaddr import client_address
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import queries as org_queries
from gongkai.privacy.mask import mask_mobile

CHECK_SALT = "gongkai.channels.phone-check"
CHECK_MAX_AGE = 30 * 60


def _column(code, *, sends_codes=True):
    """(the column's organisation, its township); 404 when the township sends no codes (`sends_codes`)."""
    organisation = org_queries.public_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    township = services.subscription_township(organisation)
    if sends_codes and services.subscription_target(township) is None:
        raise Http404("本乡镇暂未开通短信提醒")
    return organisation, township


def _private(response):
    response["Cache-Control"] = "no-store"
    return response


def _check_token(check) -> str:
    return signing.dumps(check.pk, salt=CHECK_SALT)


def _check_from(token: str, township, purpose: str):
    try:
        pk = signing.loads(token or "", salt=CHECK_SALT, max_age=CHECK_MAX_AGE)
    except signing.BadSignature:
        return None
    return PhoneCheck.objects.filter(pk=pk, organisation=township, purpose=purpose).first()


def _page(request, template, organisation, township, **context):
    return _private(
        render(
            request,
            f"channels/{template}",
            {"org": organisation, "township": township, "section": "subscribe", **context},
        )
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request, code):
    organisation, township = _column(code)
    villages = list(services.subscription_villages(township))
    consent = services.CONSENT_TEXT.format(township=township.name)
    initial = {"village": organisation.code} if organisation.is_village else {}
    if request.GET.get("village"):
        initial["village"] = request.GET["village"]
    form = SubscribeForm(request.POST or None, villages=villages, consent_text=consent, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = next(v for v in villages if v.code == data["village"])
        try:
            check = services.phone_check_send(
                township=township,
                purpose=PhoneCheckPurpose.SUBSCRIBE,
                phone=data["phone"],
                village=village,
                name=data["name"],
                topics=data["topics"],
                address=client_address(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            url = reverse("channels_portal:subscribe_confirm", args=[code])
            return redirect(f"{url}?t={_check_token(check)}")
    return _page(request, "portal_subscribe.html", organisation, township, form=form)


def _confirm(request, code, purpose: str, template: str, done_template: str):
    organisation, township = _column(code)
    token = request.POST.get("t") or request.GET.get("t") or ""
    check = _check_from(token, township, purpose)
    if check is None:
        start = (
            "channels_portal:subscribe"
            if purpose == PhoneCheckPurpose.SUBSCRIBE
            else "channels_portal:unsubscribe"
        )
        return redirect(start, code)
    form = CodeForm(request.POST or None) if request.POST.get("action") != "resend" else CodeForm()
    notice = ""
    if request.method == "POST" and request.POST.get("action") == "resend":
        try:
            check = services.phone_check_send(
                township=township,
                purpose=purpose,
                phone=check.phone,
                village=check.village,
                name=check.name,
                topics=check.topics,
                address=client_address(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            token, notice = _check_token(check), "新的验证码已发送，请查收短信"
    elif request.method == "POST" and form.is_valid():
        try:
            result = services.phone_check_confirm(
                check_id=check.pk, township=township, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            context = {"masked": mask_mobile(check.phone), "result": result}
            if purpose == PhoneCheckPurpose.SUBSCRIBE:
                context["topic_labels"] = [Topic(t).label for t in result.topics]
                link = reverse("channels_portal:unsubscribe", args=[township.code])
                context["unsubscribe_url"] = request.build_absolute_uri(
                    f"{link}?s={services.unsubscribe_token(township=township, phone=check.phone)}"
                )
            return _page(request, done_template, organisation, township, **context)
    return _page(
        request,
        template,
        organisation,
        township,
        form=form,
        token=token,
        masked=mask_mobile(check.phone),
        notice=notice,
        wait=services.CODE_RESEND_SECONDS,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe_confirm(request, code):
    return _confirm(
        request, code, PhoneCheckPurpose.SUBSCRIBE, "portal_subscribe_code.html", "portal_subscribed.html"
    )


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, code):
    # reachable from every notice SMS, even where codes cannot be sent (the signed link needs none)
    organisation, township = _column(code, sends_codes=False)
    signed = request.POST.get("s") or request.GET.get("s")
    if signed:  # the link shown when subscribing: one confirmation
        try:
            masked, count = services.unsubscribe_by_token(
                township=township, token=signed, confirm=request.method == "POST"
            )
        except DomainError as exc:
            return _page(
                request,
                "portal_unsubscribe.html",
                organisation,
                township,
                form=UnsubscribeForm(),
                error=exc.message,
            )
        template = "portal_unsubscribed.html" if request.method == "POST" else "portal_unsubscribe_link.html"
        return _page(request, template, organisation, township, masked=masked, result=count, signed=signed)
    if services.subscription_target(township) is None:
        phone = township.phone or "本乡镇政府"
        return _page(
            request,
            "portal_unsubscribe.html",
            organisation,
            township,
            form=None,
            error=f"本乡镇暂未开通网上退订，请致电{phone}，或按短信提示回复退订",
        )
    form = UnsubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            check = services.phone_check_send(
                township=township,
                purpose=PhoneCheckPurpose.UNSUBSCRIBE,
                phone=form.cleaned_data["phone"],
                address=client_address(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            url = reverse("channels_portal:unsubscribe_confirm", args=[code])
            return redirect(f"{url}?t={_check_token(check)}")
    return _page(request, "portal_unsubscribe.html", organisation, township, form=form)


@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe_confirm(request, code):
    return _confirm(
        request,
        code,
        PhoneCheckPurpose.UNSUBSCRIBE,
        "portal_unsubscribe_code.html",
        "portal_unsubscribed.html",
    )
