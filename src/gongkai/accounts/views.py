import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, password_validation, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts import services
from gongkai.accounts.context import client_address, home_organisation
from gongkai.accounts.forms import LoginForm, PasswordChangeForm, TokenForm
from gongkai.accounts.models import User
from gongkai.audit.services import audit_record
from gongkai.core.errors import DomainError

PENDING_KEY = "gongkai_pending_2fa"
LOGIN_FAILED = "用户名或密码错误"


def _safe_next(request, default="office:dashboard"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"], password=form.cleaned_data["password"]
        )
        if user is None:
            form.add_error(None, LOGIN_FAILED)  # the same words for an unknown user and a wrong password
        elif services.has_confirmed_device(user):
            request.session.cycle_key()
            request.session[PENDING_KEY] = {
                "user": user.pk,
                "backend": user.backend,
                "next": _safe_next(request, ""),
            }
            return redirect("accounts:login_verify")
        else:
            login(request, user)
            return redirect(_safe_next(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@sensitive_post_parameters("token")
@require_http_methods(["GET", "POST"])
def login_verify_view(request):
    pending = request.session.get(PENDING_KEY)
    if not pending:
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = next(
            (
                d
                for d in TOTPDevice.objects.filter(user=user, confirmed=True)
                if d.verify_token(form.cleaned_data["token"].strip())
            ),
            None,
        )
        if device is None:
            form.add_error("token", "验证码不正确或已过期")
            # a wrong second factor means the password is known to whoever typed it (GB/T 22239-2019 8.1.4.3 a))
            audit_record(
                actor=f"未登录：{user.username}"[:150],
                action="auth.two_factor_failed",
                obj=user,
                organisation=home_organisation(user),
                ip_address=client_address(request),
            )
        else:
            request.session.pop(PENDING_KEY, None)
            user.backend = pending["backend"]
            login(request, user)
            otp_login(request, device)
            return redirect(pending.get("next") or "office:dashboard")
    return render(request, "accounts/login_verify.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "您已安全退出")
    return redirect("accounts:login")


@sensitive_post_parameters("old_password", "new_password", "new_password_again")
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(user=request.user, new_password=form.cleaned_data["new_password"])
        except DomainError as exc:
            form.add_error("new_password", exc.message)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, "密码已修改")
            return redirect("office:dashboard")
    context = {
        "form": form,
        "expired": services.password_expired(request.user),
        "first_login": request.user.must_change_password,
        "password_help": " ".join(password_validation.password_validators_help_texts()),
    }
    return render(request, "accounts/password_change.html", context)


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@sensitive_post_parameters("token")
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    confirmed = services.has_confirmed_device(request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and "start" in request.POST:
        services.totp_device_start(user=request.user)
        return redirect("accounts:two_factor")
    if request.method == "POST" and device is not None and form.is_valid():
        try:
            services.totp_device_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.message)
        else:
            otp_login(request, get_object_or_404(TOTPDevice, pk=device.pk))
            messages.success(request, "已启用两步验证，下次登录需输入验证器中的验证码")
            return redirect("office:dashboard")
    context = {"form": form, "device": device, "confirmed": confirmed}
    if device is not None:
        context["qr"] = _qr_svg(device.config_url)
        context["secret"] = base64.b32encode(device.bin_key).decode()
    return render(request, "accounts/two_factor.html", context)
