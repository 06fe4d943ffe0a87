"""Public pages of 政民互动 (participation/urls_portal.py): ask a question, read the answered ones, comment on a
draft and read the 采纳情况. The forms carry the application form's guard (participation.guard)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import queries as org_queries
from gongkai.participation import forms, guard, queries, services


def _org_or_404(code):
    organisation = org_queries.public_organisation(code)
    if organisation is None:
        raise Http404("没有找到该机构")
    return organisation


def _busy(request, organisation):
    response = render(request, "participation/portal_busy.html", {"org": organisation}, status=503)
    response["Retry-After"] = "30"
    return response


@require_safe
def questions(request, code):
    organisation = _org_or_404(code)
    rows = [(q, queries.masked_asker(q)) for q in queries.public_questions(organisation)[:100]]
    return render(
        request,
        "participation/portal_questions.html",
        {"org": organisation, "rows": rows, "section": "questions"},
    )


@require_safe
def question_detail(request, code, pk):
    organisation = _org_or_404(code)
    question = queries.public_question(organisation, pk)
    if question is None:
        raise Http404("没有找到该留言")
    if question.organisation.code != code:  # an ancestor's address: one address per 留言, its organisation's
        return redirect(
            "participation_portal:question", question.organisation.code, question.pk, permanent=True
        )
    return render(
        request,
        "participation/portal_question.html",
        {"org": organisation, "q": question, "asker": queries.masked_asker(question), "section": "questions"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request, code):
    organisation = _org_or_404(code)
    ip = guard.client_ip(request)
    form = forms.QuestionForm(request.POST or None, captcha=guard.captcha_required(ip))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refused = guard.refusal(ip)
        if refused:
            add_domain_error(form, DomainError(refused))
        else:
            try:
                question = guard.submit_once(
                    form,
                    lambda: services.question_submit(
                        organisation=organisation,
                        subject=data["subject"],
                        body=data["body"],
                        asker_name=data["asker_name"],
                        asker_phone=data["asker_phone"],
                        wants_private=data["wants_private"],
                        today=timezone.localdate(),
                        ip_address=ip,
                    ),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            except guard.Busy:
                return _busy(request, organisation)
            else:
                guard.count_stored(ip)
                response = render(
                    request,
                    "participation/portal_asked.html",
                    {"org": organisation, "q": question, "section": "questions"},
                )
                response["Cache-Control"] = "no-store"
                return response
    return render(
        request,
        "participation/portal_ask.html",
        {"org": organisation, "form": form, "section": "questions", "workdays": services.answer_workdays()},
    )


@require_safe
def consultations(request, code):
    organisation = _org_or_404(code)
    today = timezone.localdate()
    rows = [(c, services.is_accepting(c, today)) for c in queries.public_consultations(organisation)[:100]]
    return render(
        request,
        "participation/portal_consultations.html",
        {"org": organisation, "rows": rows, "section": "consultations"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def consultation_detail(request, code, pk):
    organisation = _org_or_404(code)
    consultation = queries.public_consultations(organisation).filter(pk=pk).first()
    if consultation is None:
        raise Http404("没有找到该意见征集")
    if consultation.organisation.code != code:  # an ancestor's address: one address per consultation
        return redirect(
            "participation_portal:consultation",
            consultation.organisation.code,
            consultation.pk,
            permanent=True,
        )
    today = timezone.localdate()
    accepting = services.is_accepting(consultation, today)
    ip = guard.client_ip(request)
    form = forms.CommentForm(request.POST or None, captcha=guard.captcha_required(ip)) if accepting else None
    submitted = False
    if request.method == "POST":
        if form is None:
            form = forms.CommentForm(request.POST)
            form.is_valid()
            add_domain_error(form, DomainError("该意见征集不在征集期内，不能提交意见"))
        elif form.is_valid():
            refused = guard.refusal(ip)
            if refused:
                add_domain_error(form, DomainError(refused))
            else:
                try:
                    guard.submit_once(
                        form,
                        lambda: services.comment_submit(
                            consultation=consultation,
                            name=form.cleaned_data["name"],
                            body=form.cleaned_data["body"],
                            today=today,
                            ip_address=ip,
                        ),
                    )
                except DomainError as exc:
                    add_domain_error(form, exc)
                except guard.Busy:
                    return _busy(request, organisation)
                else:
                    guard.count_stored(ip)
                    submitted = True
                    form = forms.CommentForm(captcha=guard.captcha_required(ip))
    return render(
        request,
        "participation/portal_consultation.html",
        {
            "org": organisation,
            "c": consultation,
            "accepting": accepting,
            "form": form,
            "submitted": submitted,
            "comments": queries.public_comments(consultation),
            "section": "consultations",
        },
    )
