"""Office page of the search synonyms (search/urls_office.py, mounted at /office/search/): the platform's
defaults, those inherited from above, and the current organisation's own, which its 管理员 edits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from gongkai.core.errors import DomainError
from gongkai.core.forms import add_domain_error
from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import require_current_organisation
from gongkai.search import forms, services
from gongkai.search.models import BUILT_IN_SYNONYMS, Synonym
from gongkai.search.permissions import can_edit_synonyms


@login_required
@require_http_methods(["GET", "POST"])
def synonyms(request):
    """GET: the synonyms that apply to the current organisation's searches; POST (管理员): add one to it, or to the
    platform's defaults (`platform=1`, superuser only)."""
    organisation = require_current_organisation(request)
    if not org_permissions.can_view(request.user, organisation):
        raise PermissionDenied("您没有权限查看该机构")
    platform = request.POST.get("platform") == "1"
    target = None if platform else organisation
    can_edit = can_edit_synonyms(request.user, organisation)
    form = forms.SynonymForm(request.POST or None)
    if request.method == "POST":
        if not can_edit_synonyms(request.user, target):
            raise PermissionDenied("只有管理员可以编辑检索同义词")
        if form.is_valid():
            try:
                services.synonym_save(
                    organisation=target,
                    word=form.cleaned_data["word"],
                    means=form.cleaned_data["means"],
                    both_ways=form.cleaned_data["both_ways"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "同义词已保存，检索即时生效")
                return redirect("search_office:synonyms")
    ancestors = organisation.ancestor_ids()[:-1]
    rows = Synonym.objects.filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=[*ancestors, organisation.pk])
    ).select_related("organisation")
    return render(
        request,
        "search/synonyms.html",
        {
            "organisation": organisation,
            "own": [r for r in rows if r.organisation_id == organisation.pk],
            "inherited": [r for r in rows if r.organisation_id in ancestors],
            "defaults": [r for r in rows if r.organisation_id is None],
            "built_in": BUILT_IN_SYNONYMS,
            "form": form,
            "can_edit": can_edit,
            "can_edit_defaults": can_edit_synonyms(request.user, None),
        },
    )


@login_required
@require_POST
def synonym_delete(request, pk):
    synonym = get_object_or_404(Synonym.objects.select_related("organisation"), pk=pk)
    if synonym.organisation is not None and not org_permissions.can_view(request.user, synonym.organisation):
        raise Http404("没有找到该同义词")
    if not can_edit_synonyms(request.user, synonym.organisation):
        raise PermissionDenied("只有管理员可以编辑检索同义词")
    try:
        services.synonym_delete(synonym=synonym, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除同义词“{synonym}”")
    return redirect("search_office:synonyms")
