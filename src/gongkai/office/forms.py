from django import forms

from gongkai.orgs.models import (
    Funding,
    LeadershipGroupMember,
    Organisation,
    Role,
    StaffMember,
    TrainingSession,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(label="网站", required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = [
            "kind",
            "name",
            "short_name",
            "code",
            "credit_code",
            "region_code",
            "sort_order",
            "disclosure_office",
            "address",
            "postcode",
            "phone",
            "fax",
            "email",
            "office_hours",
            "website",
            "separate_review_duties",
            "is_disclosure_organ",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["disclosure_office"].queryset = Organisation.objects.filter(
                path__startswith=self.instance.path
            )
        else:
            self.fields["disclosure_office"].queryset = Organisation.objects.none()
            self.fields["disclosure_office"].widget = forms.HiddenInput()
        self.fields["disclosure_office"].required = False


class MoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(label="新的上级机构", queryset=Organisation.objects.none())

    def __init__(self, *args, parents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents if parents is not None else Organisation.objects.none()


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["year", "name", "position", "duty", "is_lead", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE}


class LeadershipForm(forms.ModelForm):
    class Meta:
        model = LeadershipGroupMember
        fields = ["name", "position", "group_role", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE}


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["held_on", "topic", "attendee_count", "attendees", "note"]
        widgets = {
            "held_on": DATE,
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }


class FundingForm(forms.ModelForm):
    class Meta:
        model = Funding
        fields = ["year", "amount_wan", "purpose", "source_note"]


class UserCreateForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    display_name = forms.CharField(label="姓名", max_length=40)
    email = forms.EmailField(label="电子邮箱", required=False)
    phone = forms.CharField(label="手机号码", max_length=20, required=False)
    password = forms.CharField(
        label="初始密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    organisation = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="角色", choices=Role.choices)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )


class GrantForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    organisation = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none())
    role = forms.ChoiceField(label="角色", choices=Role.choices)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )


class AuditFilterForm(forms.Form):
    action = forms.CharField(label="操作", required=False)
    actor = forms.CharField(label="操作人", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=DATE)
    until = forms.DateField(label="截止日期", required=False, widget=DATE)
