import datetime as dt

from django import forms
from django.utils import timezone

from gongkai.accounts.models import User
from gongkai.api.models import Scope
from gongkai.orgs.models import Membership


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=100, help_text="例如：12345热线系统、县统计系统")
    holder = forms.ModelChoiceField(label="持有人", queryset=None, help_text="令牌以持有人的角色办事")
    scopes = forms.MultipleChoiceField(
        label="权限范围", choices=Scope.choices, widget=forms.CheckboxSelectMultiple, initial=[Scope.READ]
    )
    expires_on = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)

        ids = Membership.objects.filter(organisation__path__in=_ancestor_paths(organisation)).values(
            "user_id"
        )
        self.fields["holder"].queryset = User.objects.filter(pk__in=ids, is_active=True).order_by("username")
        self.fields["expires_on"].initial = timezone.localdate() + dt.timedelta(days=90)


def _ancestor_paths(organisation) -> list[str]:
    ids = [p for p in organisation.path.strip("/").split("/") if p]
    return ["/" + "/".join(ids[: n + 1]) + "/" for n in range(len(ids))]


class WebhookForm(forms.Form):
    name = forms.CharField(label="名称", max_length=80)
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(label="事件", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, event_names, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = [(e, EVENT_LABELS.get(e, e)) for e in event_names]


EVENT_LABELS = {
    "item.published": "信息发布",
    "item.retracted": "信息撤回",
    "application.received": "收到申请",
    "application.decided": "申请已答复",
    "application.overdue": "申请超期未答复",
    "report.published": "年度报告发布",
}
