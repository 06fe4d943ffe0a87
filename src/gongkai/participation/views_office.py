"""Office pages of 政民互动 (participation/urls_office.py, mounted at /office/participation/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongkai.catalog import queries as catalog_queries
from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import require_current_organisation
from gongkai.participation import forms, permissions, queries, services
from gongkai.participation.models import Comment, Consultation, Question


def _visible(request, model, pk, *, check=permissions.can_handle, via="organisation"):
    """A record of the user's subtree (404 outside it) that the role may act on (403 otherwise)."""
    record = get_object_or_404(
        model.objects.filter(**{f"{via}__in": org_permissions.visible_organisations(request.user)}), pk=pk
    )
    organisation = record.consultation.organisation if model is Comment else record.organisation
    if not check(request.user, organisation):
        raise PermissionDenied("您没有权限办理该事项")
    return record


def _require_handle(request, organisation):
    if not permissions.can_handle(request.user, organisation):
        raise PermissionDenied("您没有权限办理政民互动事项")


@login_required
@require_GET
def overview(request):
    organisation = require_current_organisation(request)
    today = timezone.localdate()
    questions = queries.questions_in(organisation)
    return render(
        request,
        "participation/office_overview.html",
        {
            "organisation": organisation,
            "today": today,
            "open_questions": questions.filter(queries.open_questions_filter()).order_by("due_on", "id"),
            "answered": questions.exclude(queries.open_questions_filter()).order_by("-answered_on", "-id")[
                :20
            ],
            "consultations": queries.consultations_in(organisation)[:50],
            "overdue_feedback": set(
                queries.consultations_in(organisation)
                .filter(queries.overdue_feedback_filter(today))
                .values_list("pk", flat=True)
            ),
            "responses": queries.responses_in(organisation).select_related("organisation")[:50],
            "can_handle": permissions.can_handle(request.user, organisation),
        },
    )


def _question_page(request, question, *, answer_form=None, transfer_form=None, status=200):
    organisations = org_permissions.visible_organisations(request.user).exclude(pk=question.organisation_id)
    return render(
        request,
        "participation/office_question.html",
        {
            "q": question,
            "today": timezone.localdate(),
            "events": question.events.select_related("actor", "from_organisation", "to_organisation"),
            "answer_form": answer_form or forms.AnswerForm(),
            "transfer_form": transfer_form or forms.TransferForm(organisations=organisations),
        },
        status=status,
    )


@login_required
@require_GET
def question(request, pk):
    return _question_page(request, _visible(request, Question, pk, check=org_permissions.can_view))


@login_required
@require_POST
def question_answer(request, pk):
    question = _visible(request, Question, pk)
    form = forms.AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.question_answer(
                question=question,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "留言已答复" + ("并公开" if question.is_public else "（不公开）"))
            return redirect("participation_office:question", pk=question.pk)
    return _question_page(request, question, answer_form=form, status=400)


@login_required
@require_POST
def question_transfer(request, pk):
    question = _visible(request, Question, pk)
    organisations = org_permissions.visible_organisations(request.user).exclude(pk=question.organisation_id)
    form = forms.TransferForm(request.POST, organisations=organisations)
    if form.is_valid():
        target = form.cleaned_data["to_organisation"]
        try:
            services.question_transfer(
                question=question,
                actor=request.user,
                to_organisation=target,
                note=form.cleaned_data["note"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"留言已转办至{target.name}")
            return redirect("participation_office:overview")
    return _question_page(request, question, transfer_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def consultation_create(request):
    organisation = require_current_organisation(request)
    _require_handle(request, organisation)
    drafts = catalog_queries.drafts_for_comment(organisation)
    form = forms.ConsultationForm(
        request.POST or None, drafts=drafts, initial={"opens_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_open(
                organisation=organisation, actor=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"意见征集已开始，截止日期{consultation.closes_on:%Y年%m月%d日}")
            return redirect("participation_office:consultation", pk=consultation.pk)
    return render(
        request,
        "participation/office_form.html",
        {"form": form, "organisation": organisation, "title": "发起意见征集"},
    )


def _consultation_page(request, consultation, *, feedback_form=None, status=200):
    today = timezone.localdate()
    return render(
        request,
        "participation/office_consultation.html",
        {
            "c": consultation,
            "today": today,
            "accepting": services.is_accepting(consultation, today),
            "overdue": queries.consultations_in(consultation.organisation, include_children=False)
            .filter(pk=consultation.pk)
            .filter(queries.overdue_feedback_filter(today))
            .exists(),
            "comments": consultation.comments.order_by("submitted_at", "id"),
            "counts": queries.comment_counts(consultation),
            "can_moderate": permissions.can_moderate(request.user, consultation.organisation),
            "feedback_form": feedback_form or forms.FeedbackForm(),
        },
        status=status,
    )


@login_required
@require_GET
def consultation(request, pk):
    return _consultation_page(request, _visible(request, Consultation, pk, check=org_permissions.can_view))


@login_required
@require_POST
def comment_moderate(request, pk, decision):
    comment = _visible(request, Comment, pk, check=permissions.can_moderate, via="consultation__organisation")
    try:
        services.comment_moderate(comment=comment, actor=request.user, approve=decision == "approve")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("participation_office:consultation", pk=comment.consultation_id)


@login_required
@require_POST
def consultation_close(request, pk):
    consultation = _visible(request, Consultation, pk)
    try:
        services.consultation_close(consultation=consultation, actor=request.user, today=timezone.localdate())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "意见征集已截止")
    return redirect("participation_office:consultation", pk=consultation.pk)


@login_required
@require_POST
def consultation_feedback(request, pk):
    consultation = _visible(request, Consultation, pk, check=permissions.can_moderate)
    form = forms.FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_publish_feedback(
                consultation=consultation,
                actor=request.user,
                feedback=form.cleaned_data["feedback"],
                today=timezone.localdate(),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "采纳情况已发布")
            return redirect("participation_office:consultation", pk=consultation.pk)
    return _consultation_page(request, consultation, feedback_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def response_create(request):
    organisation = require_current_organisation(request)
    _require_handle(request, organisation)
    disclosures = catalog_queries.public_disclosures(organisation).order_by("-published_on", "-id")
    form = forms.ResponseForm(
        request.POST or None, disclosures=disclosures, initial={"responded_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.response_create(organisation=organisation, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "回应已登记")
            return redirect("participation_office:overview")
    return render(
        request,
        "participation/office_form.html",
        {"form": form, "organisation": organisation, "title": "登记回应关切/回应解读"},
    )
