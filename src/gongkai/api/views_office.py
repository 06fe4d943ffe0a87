"""Office screens of the API: an organisation's 管理员 creates, lists and revokes its API tokens, and sets up its
webhooks (their deliveries are followed in the channels' board, like every other send)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.api import services
from gongkai.api import webhooks as webhook_services
from gongkai.api.forms import EVENT_LABELS, TokenForm, WebhookForm
from gongkai.api.models import ApiToken, Scope
from gongkai.api.permissions import can_manage_tokens
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs.current import require_current_organisation


def _organisation(request):
    organisation = require_current_organisation(request)
    if not can_manage_tokens(request.user, organisation):
        raise PermissionDenied("只有该机构的管理员可以管理接口令牌")
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    organisation = _organisation(request)
    form = TokenForm(request.POST or None, organisation=organisation)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                organisation=organisation,
                actor=request.user,
                holder=form.cleaned_data["holder"],
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已创建令牌“{token.name}”。令牌只显示这一次，请立即复制保存。")
            form = TokenForm(organisation=organisation)
    rows = ApiToken.objects.filter(organisation=organisation).select_related("holder")
    return render(
        request,
        "api/tokens.html",
        {
            "organisation": organisation,
            "form": form,
            "secret": secret,  # shown once, in this response only (no redirect: it is never stored)
            "tokens": rows,
            "scope_labels": dict(Scope.choices),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def token_revoke(request, pk):
    organisation = _organisation(request)
    token = get_object_or_404(ApiToken, pk=pk, organisation=organisation)
    try:
        services.token_revoke(token=token, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"令牌“{token.name}”已吊销")
    return redirect("api_office:tokens")


@login_required
@require_http_methods(["GET", "POST"])
def webhooks(request):
    organisation = _organisation(request)
    form = WebhookForm(request.POST or None, event_names=webhook_services.EVENT_NAMES)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _target, secret = webhook_services.webhook_create(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "已添加 Webhook。签名密钥只显示这一次，请交给接收方保存。")
            form = WebhookForm(event_names=webhook_services.EVENT_NAMES)
    return render(
        request,
        "api/webhooks.html",
        {
            "organisation": organisation,
            "form": form,
            "secret": secret,
            "endpoints": webhook_services.endpoints_of(organisation),
            "event_labels": EVENT_LABELS,
        },
    )
