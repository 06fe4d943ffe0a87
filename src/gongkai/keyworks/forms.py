from django import forms

from gongkai.accounts.models import User
from gongkai.keyworks.models import Category, KeyWork, KindStage, WorkKind, WorkStage
from gongkai.orgs.models import Organisation, OrgKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class WorkForm(forms.ModelForm):
    class Meta:
        model = KeyWork
        fields = [
            "title",
            "kind",
            "summary",
            "starts_on",
            "ends_on",
            "completed_on",
            "villages",
            "responsible",
            "is_public",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "completed_on": DATE,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "villages": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = WorkKind.objects.filter(pk__in=[k.pk for k in kinds])
        self.fields["villages"].queryset = Organisation.objects.filter(
            path__startswith=organisation.path, kind=OrgKind.VILLAGE
        ).order_by("sort_order", "id")
        self.fields["responsible"].queryset = User.objects.filter(
            memberships__organisation__path__in=[organisation.path, *_ancestor_paths(organisation)]
        ).distinct()
        self.fields["responsible"].label_from_instance = lambda u: u.display_name or u.username
        if self.instance.pk:
            del self.fields["kind"]  # the stage plan was copied from the kind; changing it would not follow


def _ancestor_paths(organisation) -> list[str]:
    return list(
        Organisation.objects.filter(pk__in=organisation.ancestor_ids()).values_list("path", flat=True)
    )


class StagePlanForm(forms.ModelForm):
    class Meta:
        model = WorkStage
        fields = ["rule", "rule_days", "planned_on", "basis", "not_applicable", "not_applicable_reason"]
        widgets = {"planned_on": DATE}


class LinkForm(forms.Form):
    stage = forms.ModelChoiceField(label="阶段", queryset=WorkStage.objects.none())
    item = forms.CharField(
        label="信息（索引号或编号）", max_length=80, help_text="填写信息的索引号，草稿可填写其编号"
    )

    def __init__(self, *args, work, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = work.stages.all()


class KindStageForm(forms.ModelForm):
    category = forms.ChoiceField(label="五公开类别", choices=Category.choices)

    class Meta:
        model = KindStage
        fields = ["name", "category", "sort_order", "rule", "rule_days", "basis", "note"]
