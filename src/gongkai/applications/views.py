"""Thin views of 依申请公开: access check → form → service → redirect."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from gongkai.accounts.models import User
from gongkai.applications import formguard, forms, letter_access, letters, queries, services, uploads
from gongkai.applications import permissions as perms
from gongkai.applications.clock import ClockError, ClockState, EventKind, compute_clock, next_events
from gongkai.applications.decisions import DECISIONS
from gongkai.applications.fees import FeeBasis
from gongkai.applications.models import Application, Channel, Delivery, FilePurpose, LetterKind
from gongkai.core.downloads import stored_file_response
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import queries as org_queries
from gongkai.orgs.current import require_current_organisation
from gongkai.orgs.models import Membership
from gongkai.privacy.mask import mask_id_number, mask_mobile, mask_name, truncate_address
from gongkai.workdays.queries import calendar_for

SESSION_TRACKED = "gongkai_tracked_application"
PAGE_SIZE = 50


# Kept out of Django's error reports (等保: residual information, GB/T 22239-2019 8.1.4.8).
PERSONAL_FIELDS = ("name", "id_number", "phone", "address", "email")


def _ip(request) -> str | None:
    return formguard.client_ip(request)  # behind the trusted proxies (core.clientaddr)


def _org_or_404(code):
    organisation = org_queries.public_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    return organisation


def _applicant(data) -> services.Applicant:
    return services.Applicant(
        applicant_type=data["applicant_type"],
        applicant_column=data.get("applicant_column") or "",
        name=data["name"],
        id_number=data["id_number"],
        phone=data.get("phone", ""),
        address=data.get("address", ""),
        email=data.get("email", ""),
    )


def _request(data) -> services.Request:
    return services.Request(
        info_title=data.get("info_title", ""),
        info_doc_no=data.get("info_doc_no", ""),
        info_description=data.get("info_description", ""),
        provision_form=data["provision_form"],
        delivery=data["delivery"],
    )


def masked(application: Application) -> dict:
    """The applicant's personal data as shown to anyone who may not see it in clear."""
    return {
        "name": mask_name(application.applicant_name)
        if not application.is_organisation
        else application.applicant_name,
        "id_number": mask_id_number(application.id_number) if application.id_number else "",
        "phone": mask_mobile(application.phone) if application.phone else "",
        "address": (truncate_address(application.address) or "***") if application.address else "",
        "email": ("***@" + application.email.split("@", 1)[1]) if "@" in application.email else "",
    }


# ---- portal -------------------------------------------------------------------------------------------------


@sensitive_post_parameters(*PERSONAL_FIELDS)
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request, code):
    organisation = _org_or_404(code)
    if organisation.is_village:
        # A 村民委员会 is not an administrative organ and receives no applications (村民委员会组织法;
        # reference/village-affairs.md): applications about a village go to the township.
        organ = org_queries.responsible_organ(organisation)
        if organ == organisation:
            raise Http404("村民委员会不受理政府信息公开申请")
        return redirect(
            f"{reverse('applications_portal:apply', args=[organ.code])}?about={organisation.code}"
        )
    about = _village_about(organisation, request.POST.get("about") or request.GET.get("about"))
    ip = _ip(request)
    form = formguard.GuardedApplicationForm(
        request.POST or None, request.FILES or None, captcha=formguard.captcha_required(ip)
    )
    if request.method == "POST" and form.is_valid():
        try:
            application, lookup_code = formguard.submit_once(
                form,
                lambda: services.application_submit(
                    organisation=organisation,
                    applicant=_applicant(form.cleaned_data),
                    request=_request(form.cleaned_data),
                    proof=form.cleaned_data.get("proof"),
                    ip_address=ip,
                    honeypot=form.cleaned_data.get("website", ""),
                    today=timezone.localdate(),
                ),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        except formguard.Busy:
            response = render(request, "applications/apply_busy.html", {"org": organisation}, status=503)
            response["Retry-After"] = "30"
            return response
        else:  # shown in this response: nothing after the commit can fail and hide the case number
            done = {
                "case_number": application.case_number,
                "code": lookup_code,
                "receipt": services.receipt_lines(application, today=timezone.localdate()),
            }
            response = render(
                request,
                "applications/apply_done.html",
                {"org": organisation, "done": done, "section": "apply"},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request,
        "applications/apply.html",
        {
            "org": organisation,
            "form": form,
            "about": about,
            "section": "apply",
            "retention_years": services.retention_years("personal_data"),
            "max_mb": services.MAX_PROOF_BYTES // (1024 * 1024),
        },
    )


def _village_about(organisation, code):
    """The village of the organisation an application is about (named by the village page's link)."""
    if not code:
        return None
    village = org_queries.public_organisation(str(code)[:63])
    if village is None or not village.is_village or village.parent_id != organisation.pk:
        return None
    return village


def _public_timeline(application: Application) -> list[dict]:
    rows = []
    for event in application.events.order_by("date", "id"):
        label = EventKind(event.kind).label
        if event.kind == EventKind.RECEIVED and (event.data or {}).get("awaiting_confirmation"):
            label = "网上提交申请"
        rows.append({"date": event.date, "label": label})
    return rows


@sensitive_post_parameters("code")
@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    form = forms.TrackForm(request.POST or None)
    application = None
    if request.method == "POST":
        if form.is_valid():
            try:
                found = services.find_for_tracking(
                    case_number=form.cleaned_data["case_number"],
                    code=form.cleaned_data["code"],
                    ip_address=_ip(request),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                if found is None:
                    form.add_error(None, "申请编号或查询码不正确")
                else:
                    request.session[SESSION_TRACKED] = found.pk
                    return redirect("applications_portal:track")
    else:
        pk = request.session.get(SESSION_TRACKED)
        application = Application.objects.select_related("organisation").filter(pk=pk).first() if pk else None
    context = {"form": form, "application": application}
    if application is not None:
        context.update(_track_context(application))
    return render(request, "applications/track.html", context)


def _stage_in_plain_words(application: Application, status, correction) -> str:
    """What is happening to the case, as the applicant would say it."""
    if application.decided_on:
        day = application.decided_on
        return f"已答复（{day.year}年{day.month}月{day.day}日）"
    if status.awaiting_confirmation:
        return (
            f"已提交，等待{application.organisation.name}确认收到：确认之日为收到申请之日，"
            "答复期限自该日起计算20个工作日（条例第三十一条第（三）项、第三十三条）"
        )
    if correction is not None:
        return "等待您补正申请：请按下面的补正告知补正，收到补正后重新计算答复期限"
    if status.paused:
        return f"暂停计时：{status.pause_reason_text}"
    return "办理中"


def _awaited_correction(application: Application, status):
    """The 补正告知 the applicant still has to answer (Art. 30), or None."""
    if status.counting_from is not None or application.decided_on:
        return None
    event = application.events.filter(kind=EventKind.CORRECTION_REQUESTED).order_by("-date", "-id").first()
    if event is None:
        return None
    deadline = event.data.get("deadline")
    return {
        "date": event.date,
        "items": event.data.get("items", ""),
        "deadline": dt.date.fromisoformat(deadline) if deadline else None,
    }


def _may_update_contact(application: Application, status) -> bool:
    """After a correction was asked for, while the case is open (clock: `contact_updated`)."""
    return (
        not application.decided_on
        and not application.anonymised_at
        and application.events.filter(kind=EventKind.CORRECTION_REQUESTED).exists()
    )


def _track_context(application: Application, *, correction_form=None, contact_form=None) -> dict:
    status = queries.clock_of(application, today=timezone.localdate())
    correction = _awaited_correction(application, status)
    may_update_contact = _may_update_contact(application, status) or contact_form is not None
    if may_update_contact and contact_form is None:
        contact_form = forms.ContactUpdateForm()
    return {
        "timeline": _public_timeline(application),
        "status": status,
        "submitted_on": services.submitted_on(application) if application.channel == Channel.ONLINE else None,
        "stage": _stage_in_plain_words(application, status, correction),
        "correction": correction,
        "correction_form": correction_form or forms.CorrectionFilesForm(),
        "contact_form": contact_form if may_update_contact else None,
        "organ": application.organisation,
        "applicant": masked(application),
        "decision_label": application.get_decision_display() if application.decision else "",
        "has_letter": bool(application.decided_on and application.decision),
        "released_files": list(application.files.filter(purpose=FilePurpose.RELEASED))
        if application.decided_on
        else [],
    }


def _tracked(request) -> Application | None:
    """The case this browser found with its case number and tracking code (/track/ keeps it in the session)."""
    pk = request.session.get(SESSION_TRACKED)
    return Application.objects.select_related("organisation").filter(pk=pk).first() if pk else None


@require_POST
def track_correction(request):
    """The applicant answers a 补正告知 online, from the case found by /track/ (the session holds it)."""
    application = _tracked(request)
    if application is None:
        return redirect("applications_portal:track")
    form = forms.CorrectionFilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.application_answer_correction_online(
                application=application,
                text=form.cleaned_data["text"],
                files=form.cleaned_data["files"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "补正已提交。答复期限自今天起重新计算。")
            return redirect("applications_portal:track")
    context = {"form": forms.TrackForm(), "application": application}
    context.update(_track_context(application, correction_form=form))
    return render(request, "applications/track.html", context)


@sensitive_post_parameters(*PERSONAL_FIELDS)
@require_POST
def track_contact(request):
    """The applicant changes their contact details after a correction, from the case /track/ found."""
    application = _tracked(request)
    if application is None:
        return redirect("applications_portal:track")
    form = forms.ContactUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.application_update_contact(
                application=application,
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                address=form.cleaned_data["address"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "联系方式已更新。")
            return redirect("applications_portal:track")
    context = {"form": forms.TrackForm(), "application": application}
    context.update(_track_context(application, contact_form=form))
    return render(request, "applications/track.html", context)


def _file_response(attachment, *, as_download: bool = True):
    content_type = uploads.CONTENT_TYPES.get(attachment.file_type, "application/octet-stream")
    # the file, or a presigned URL on object storage (core.downloads)
    response = stored_file_response(
        attachment.file, filename=attachment.name, content_type=content_type, as_attachment=as_download
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def track_file(request, file_pk):
    """A released file of the reply, to the applicant only: the case this browser tracked with its code (the same
    credentials as the reply letter); any other file, or none tracked, is 404."""
    application = _tracked(request)
    if application is None or not application.decided_on:
        raise Http404("没有可下载的附件")
    attachment = application.files.filter(pk=file_pk, purpose=FilePurpose.RELEASED).first()
    if attachment is None:
        raise Http404("没有可下载的附件")
    letter_access.record_download(
        request.user,
        application,
        f"file:{attachment.pk}",
        attachment.file_type,
        applicant=True,
        ip_address=_ip(request),
    )
    return _file_response(attachment)


@require_safe
def track_letter(request, fmt):
    application = _tracked(request)
    if application is None or not application.decision:
        raise Http404("没有可下载的答复书")
    return _letter_response(application, LetterKind.DECISION, fmt, request=request, applicant=True)


def _letter_response(application, kind, fmt, *, request, applicant=False):
    if fmt not in ("pdf", "docx"):
        raise Http404("未知的格式")
    try:  # only what this reader may see, and audited (letter_access.py)
        letter = letter_access.render_for(request.user, application, kind, applicant=applicant)
    except DomainError as exc:
        raise Http404(exc.message) from None
    letter_access.record_download(
        request.user, application, kind, fmt, applicant=applicant, ip_address=_ip(request)
    )
    if fmt == "pdf":
        data, content_type = letters.letter_pdf(letter), "application/pdf"
    elif fmt == "docx":
        data = letters.letter_docx(letter)
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    else:
        raise Http404("未知的格式")
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(letter.filename)}.{fmt}"
    return response


@require_safe
def deadline(request):
    form = forms.DeadlineForm(request.GET or None)
    result = None
    organisation = None
    if request.GET.get("org"):
        organisation = org_queries.public_organisation(request.GET["org"])
    if request.GET and form.is_valid():
        calendar = calendar_for(organisation)
        result = calendar.deadline(form.cleaned_data["start"], form.cleaned_data["days"])
    return render(
        request, "applications/deadline.html", {"form": form, "result": result, "org": organisation}
    )


# ---- office -------------------------------------------------------------------------------------------------


def _handlers(organisation):
    ids = Membership.objects.filter(
        organisation__id__in=organisation.ancestor_ids(), role__in=list(perms.HANDLE_ROLES)
    ).values_list("user_id", flat=True)
    return User.objects.filter(id__in=ids, is_active=True).order_by("username")


@login_required
@require_GET
def queue(request):
    organisation = require_current_organisation(request)
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in {s.value for s in ClockState} | {"all"}:
        state = ""
    assignee_param = request.GET.get("assignee", "")
    assignee = None
    unassigned = assignee_param == "none"
    if assignee_param == "me":
        assignee = request.user
    elif assignee_param.isdigit():
        assignee = User.objects.filter(pk=int(assignee_param)).first()
    scope_org = organisation
    rows = queries.queue(
        organisation=scope_org,
        today=today,
        state="" if state == "all" else state,
        assignee=assignee,
        unassigned=unassigned,
        include_closed=state == "all",
    )
    if request.GET.get("scope") == "self":
        rows = [r for r in rows if r.application.organisation_id == organisation.pk]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.masked = masked(row.application)
    return render(
        request,
        "applications/queue.html",
        {
            "organisation": organisation,
            "page": page,
            "states": [(s.value, s.label) for s in ClockState],
            "state": state,
            "assignee": assignee_param,
            "handlers": _handlers(organisation),
            "scope": request.GET.get("scope", ""),
            "can_handle": perms.can_handle(request.user, organisation),
            "today": today,
        },
    )


@sensitive_post_parameters(*PERSONAL_FIELDS)
@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    organisation = require_current_organisation(request)
    if not perms.can_handle(request.user, organisation):
        raise PermissionDenied("您没有权限登记申请")
    today = timezone.localdate()
    form = forms.RegisterForm(request.POST or None, request.FILES or None, initial={"received_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            application, lookup_code = services.application_register(
                organisation=organisation,
                actor=request.user,
                applicant=_applicant(form.cleaned_data),
                request=_request(form.cleaned_data),
                channel=form.cleaned_data["channel"],
                received_on=form.cleaned_data["received_on"],
                proof=form.cleaned_data.get("proof"),
                today=today,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"已登记申请 {application.case_number}。查询码：{lookup_code}（仅显示这一次，请告知申请人）",
            )
            return redirect("applications_office:case", pk=application.pk)
    return render(request, "applications/register.html", {"form": form, "organisation": organisation})


# party of a consultation event, for the service that records it
_CONSULTATION_PARTY = {kind: party for party, kinds in services.CONSULTATION_EVENTS.items() for kind in kinds}


def _record_event(kind: EventKind, application, user, data, *, today):
    """Call the service that records `kind` with the form's data."""
    common = {"application": application, "actor": user, "date": data["date"], "today": today}
    if kind == EventKind.RECEIPT_CONFIRMED:
        return services.application_confirm_receipt(**common)
    if kind == EventKind.CORRECTION_REQUESTED:
        return services.application_request_correction(
            **common, deadline=data["deadline"], items=data["items"]
        )
    if kind == EventKind.CORRECTION_RECEIVED:
        return services.application_receive_correction(**common, note=data.get("note", ""))
    if kind == EventKind.DEEMED_ABANDONED:
        return services.application_deem_abandoned(**common, note=data.get("note", ""))
    if kind in (EventKind.THIRD_PARTY_CONSULTATION_OPENED, EventKind.OTHER_ORGAN_CONSULTATION_OPENED):
        return services.application_open_consultation(
            **common,
            party=_CONSULTATION_PARTY[kind],
            consulted=data["consulted"],
            letter_received_on=data.get("letter_received_on"),
        )
    if kind in (EventKind.THIRD_PARTY_CONSULTATION_CLOSED, EventKind.OTHER_ORGAN_CONSULTATION_CLOSED):
        return services.application_close_consultation(
            **common, party=_CONSULTATION_PARTY[kind], opinion=data.get("opinion", "")
        )
    if kind == EventKind.EXTENSION_APPROVED:
        return services.application_extend(**common, workdays=data["workdays"], reason=data["reason"])
    if kind == EventKind.FEE_NOTICE_SENT:
        return services.application_send_fee_notice(
            **common, basis=data["basis"], quantity=data["quantity"], received_on=data.get("received_on")
        )
    if kind == EventKind.FEE_PAID:
        return services.application_record_fee_payment(**common, amount_collected=data["amount_collected"])
    if kind == EventKind.DECIDED:
        return services.application_decide(
            **common,
            decision=data["decision"],
            reply_text=data["reply_text"],
            legal_basis=data.get("legal_basis", ""),
            files=data.get("files") or (),
        )
    if kind == EventKind.DELIVERED:
        return services.application_deliver(**common, method=data["method"], proof=data.get("proof", ""))
    if kind == EventKind.ARCHIVED:
        return services.application_archive(**common)
    raise Http404


def offered_events(application, events, calendar, today, user) -> list[EventKind]:
    """The events the case page offers: those the clock accepts today (`clock.next_events`) that this user may
    record. The services still validate each one."""
    if application.anonymised_at or not perms.can_handle(user, application.organisation):
        return []
    return [
        kind
        for kind in next_events(events, calendar, today)
        if kind in forms.EVENT_FORMS and services.can_record(user, application.organisation, kind)
    ]


CHANNEL_LABELS = dict(Channel.choices)


def event_summary(event) -> str:
    """What staff need to read of an event's data, in Chinese."""
    data = event.data or {}
    parts = []
    if "channel" in data:
        parts.append(CHANNEL_LABELS.get(data["channel"], data["channel"]))
    if data.get("items"):
        parts.append(f"补正事项：{data['items']}")
    if data.get("deadline"):
        parts.append(f"补正期限：{data['deadline']}")
    if data.get("consulted"):
        parts.append(f"征求对象：{data['consulted']}")
    if data.get("letter_received_on"):
        parts.append(f"函件送达：{data['letter_received_on']}")
    if data.get("opinion"):
        parts.append(f"意见：{data['opinion']}")
    if "workdays" in data:
        parts.append(f"延长{data['workdays']}个工作日")
    if data.get("reason"):
        parts.append(f"理由：{data['reason']}")
    if data.get("basis") in FeeBasis.__members__.values():
        parts.append(FeeBasis(data["basis"]).label)
    if data.get("amount"):
        parts.append(f"{data['amount']}元")
    if data.get("decision") in DECISIONS:
        parts.append(DECISIONS[data["decision"]].display)
    if data.get("method"):
        parts.append(dict(Delivery.choices).get(data["method"], data["method"]))
    if data.get("files"):
        parts.append(f"附件{data['files']}个")
    if data.get("fields"):
        names = {"phone": "联系电话", "email": "电子邮箱", "address": "通信地址"}
        parts.append("更新了" + "、".join(names.get(f, f) for f in data["fields"]))
    return "；".join(parts)


def _letter_kinds(application) -> list[tuple[str, str]]:
    kinds = set(application.events.values_list("kind", flat=True))
    available = []
    if application.decision:
        available.append(LetterKind.DECISION)
    if EventKind.CORRECTION_REQUESTED in kinds:
        available.append(LetterKind.CORRECTION)
    if EventKind.EXTENSION_APPROVED in kinds:
        available.append(LetterKind.EXTENSION)
    if EventKind.THIRD_PARTY_CONSULTATION_OPENED in kinds:
        available.append(LetterKind.CONSULTATION)
    if application.fee_notices.exists():
        available.append(LetterKind.FEE)
    # The 发文字号 each letter was issued with (the latest letter of a kind, as `letters.render_letter` prints it).
    numbers = {n.kind: n.text for n in application.letter_numbers.order_by("event__date", "event_id")}
    return [(k.value, k.label, numbers.get(k.value, "")) for k in available]


def _case_context(request, application, *, today, bound=None):
    """Everything the case page shows on `today`; `bound` = (event kind, form) of a refused submission."""
    calendar = calendar_for(application.organisation)
    events = queries.events_of(application)
    try:
        status = compute_clock(events, calendar, today=today)
        clock_error = ""
    except ClockError as exc:
        status, clock_error = None, exc.message
    kinds = offered_events(application, events, calendar, today, request.user) if status else []
    if bound and bound[0] not in kinds:
        kinds = [bound[0], *kinds]  # show the refused form with its error
    action_forms = []
    for kind in kinds:
        if bound and bound[0] == kind:
            form = bound[1]
        else:
            form = forms.EVENT_FORMS[kind](initial={"date": today}, prefix=kind.value)
        action_forms.append({"action": kind.value, "label": kind.label, "form": form})
    assign_form = None
    if perms.can_handle(request.user, application.organisation):
        assign_form = forms.AssignForm(initial={"assignee": application.assignee_id or ""})
        assign_form.fields["assignee"].choices = [("", "——")] + [
            (u.pk, u.display_name or u.username) for u in _handlers(application.organisation)
        ]
    return {
        "application": application,
        "status": status,
        "clock_error": clock_error,
        "events": [
            (e, event_summary(e)) for e in application.events.select_related("actor").order_by("date", "id")
        ],
        "fee_notices": application.fee_notices.all(),
        "remedies": application.remedies.all(),
        "applicant": masked(application),
        "can_see_personal": perms.can_see_personal_data(request.user, application),
        "action_forms": action_forms,
        "assign_form": assign_form,
        "letter_kinds": _letter_kinds(application),
        "calendar_note": status.deadline.describe() if status and status.deadline else "",
        "submitted_on": services.submitted_on(application) if application.channel == Channel.ONLINE else None,
        "released_files": [f for f in application.files.all() if f.purpose == FilePurpose.RELEASED],
        "correction_files": [f for f in application.files.all() if f.purpose == FilePurpose.CORRECTION],
        "attach_form": forms.AttachFilesForm()
        if application.decision
        and not application.archived_on
        and not application.anonymised_at
        and perms.can_handle(request.user, application.organisation)
        else None,
    }


@login_required
@require_GET
def case(request, pk):
    application = perms.get_application_for_staff(request, pk)
    context = _case_context(request, application, today=timezone.localdate())
    return render(request, "applications/case.html", context)


@login_required
@require_POST
def case_action(request, pk, kind):
    if kind not in forms.EVENT_FORMS:
        raise Http404("未知的办理事项")
    kind = EventKind(kind)
    today = timezone.localdate()
    application = perms.get_application_for_staff(request, pk, check=perms.can_handle)
    form = forms.EVENT_FORMS[kind](request.POST, request.FILES, prefix=kind.value)
    if form.is_valid():
        try:
            _record_event(kind, application, request.user, form.cleaned_data, today=today)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已记录：{kind.label}")
            return redirect("applications_office:case", pk=application.pk)
    messages.error(request, f"未能记录“{kind.label}”，请检查下方表单")
    context = _case_context(request, application, today=today, bound=(kind, form))
    return render(request, "applications/case.html", context, status=400)


@login_required
@require_POST
def assign(request, pk):
    application = perms.get_application_for_staff(request, pk, check=perms.can_handle)
    value = request.POST.get("assignee") or ""
    assignee = _handlers(application.organisation).filter(pk=value).first() if value.isdigit() else None
    if value and assignee is None:
        messages.error(request, "承办人须为本机关的经办人、审核人或管理员")
    else:
        try:
            services.application_assign(application=application, actor=request.user, assignee=assignee)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "承办人已更新")
    return redirect("applications_office:case", pk=application.pk)


@login_required
@require_GET
def personal_data(request, pk):
    application = perms.get_application_for_staff(request, pk)
    if not perms.can_see_personal_data(request.user, application):
        raise PermissionDenied("您没有权限查看申请人的个人信息")
    services.record_personal_data_view(application=application, actor=request.user, ip_address=_ip(request))
    response = render(request, "applications/personal_data.html", {"application": application})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def proof(request, pk):
    application = perms.get_application_for_staff(request, pk)
    if not perms.can_see_personal_data(request.user, application):
        raise PermissionDenied("您没有权限查看申请人的身份证明")
    if not application.proof:
        raise Http404("没有上传身份证明")
    services.record_personal_data_view(
        application=application, actor=request.user, purpose="下载身份证明", ip_address=_ip(request)
    )
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(
        application.proof_type
    )
    response = stored_file_response(  # the file, or a presigned URL on object storage (core.downloads)
        application.proof,
        filename=f"{application.case_number}-proof.{application.proof_type}",
        content_type=content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def case_file(request, pk, file_pk):
    """A file of the case to its staff: released files to anyone who may open the case; the applicant's correction
    files, which may hold personal data, only to those who may see it, with the view logged."""
    application = perms.get_application_for_staff(request, pk)
    attachment = application.files.filter(pk=file_pk).first()
    if attachment is None:
        raise Http404("没有该附件")
    if attachment.purpose == FilePurpose.CORRECTION:
        if not perms.can_see_personal_data(request.user, application):
            raise PermissionDenied("您没有权限查看申请人提交的补正材料")
        services.record_personal_data_view(
            application=application, actor=request.user, purpose="下载补正材料", ip_address=_ip(request)
        )
    return _file_response(attachment)


@login_required
@require_POST
def attach_files(request, pk):
    """Attach more released files to a reply already made (before the case is archived)."""
    application = perms.get_application_for_staff(request, pk, check=perms.can_handle)
    form = forms.AttachFilesForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = services.application_attach_released_files(
                application=application, actor=request.user, files=form.cleaned_data["files"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已附上{len(stored)}个答复附件")
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("applications_office:case", pk=application.pk)


@login_required
@require_GET
def letter(request, pk, kind, fmt):
    application = perms.get_application_for_staff(request, pk)
    if kind not in LetterKind.values:
        raise Http404("未知的文书类型")
    return _letter_response(application, kind, fmt, request=request)


@login_required
@require_GET
def letter_templates(request):
    organisation = require_current_organisation(request)
    stored = {t.kind: t for t in organisation.letter_templates.all()}
    rows = [{"kind": kind, "label": label, "custom": kind in stored} for kind, label in LetterKind.choices]
    return render(
        request,
        "applications/letter_templates.html",
        {
            "organisation": organisation,
            "rows": rows,
            "can_edit": perms.can_edit_templates(request.user, organisation),
            "number_prefix": services.number_prefix(organisation),
            "year": timezone.localdate().year,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request, kind):
    organisation = require_current_organisation(request)
    if kind not in LetterKind.values:
        raise Http404("未知的文书类型")
    if not perms.can_edit_templates(request.user, organisation):
        raise PermissionDenied("只有管理员可以修改文书模板")
    form = forms.LetterTemplateForm(
        request.POST or None, initial={"kind": kind, "body": letters.template_body(organisation, kind)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_template_save(
                organisation=organisation, actor=request.user, kind=kind, body=form.cleaned_data["body"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "文书模板已保存")
            return redirect("applications_office:letter_templates")
    return render(
        request,
        "applications/letter_template_form.html",
        {
            "organisation": organisation,
            "form": form,
            "kind_label": LetterKind(kind).label,
            "placeholders": letters.PLACEHOLDERS.items(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_settings(request):
    """The organisation's 发文字号 prefix and the contact its letters give (administrators only)."""
    organisation = require_current_organisation(request)
    if not perms.can_edit_templates(request.user, organisation):
        raise PermissionDenied("只有管理员可以修改文书设置")
    stored = letters.LetterSettings.objects.filter(organisation=organisation).first()
    initial = {
        "number_prefix": services.number_prefix(organisation),
        **{
            name: getattr(stored, name, "") for name in ("contact_office", "contact_phone", "contact_address")
        },
    }
    form = forms.LetterSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_settings_save(organisation=organisation, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "文书设置已保存")
            return redirect("applications_office:letter_templates")
    contact = letters.letter_contact(organisation)
    return render(
        request,
        "applications/letter_settings.html",
        {"organisation": organisation, "form": form, "contact": letters.contact_text(contact)},
    )
