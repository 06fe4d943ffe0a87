import json

from django import forms

from gongkai.channels.models import Channel, ConsentSource, TargetKind, Topic

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicationForm(forms.Form):
    """Staff record where a published item went out; 政府网站 is recorded automatically."""

    channel = forms.ChoiceField(label="渠道", choices=[c for c in Channel.choices if c[0] != Channel.WEBSITE])
    published_on = forms.DateField(label="发布日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200)


class ConfirmForm(forms.Form):
    """Staff confirm a send they completed by hand (a notice put up, a screen showing it, a text pasted)."""

    confirmed_on = forms.DateField(label="确认日期", widget=DATE)
    note = forms.CharField(label="说明", required=False, max_length=200)
    photo = forms.ImageField(label="照片（可选）", required=False)


class TargetForm(forms.Form):
    kind = forms.ChoiceField(
        label="类型", choices=[c for c in TargetKind.choices if c[0] != TargetKind.WEBSITE]
    )
    name = forms.CharField(label="名称", max_length=80)
    enabled = forms.BooleanField(label="启用", required=False, initial=True)
    default_on = forms.BooleanField(label="发布时默认选中", required=False, initial=True)
    config = forms.CharField(
        label="设置（JSON）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text='如 {"appid": "wx…", "template": "SMS_…", "sign": "渠口乡"}',
    )
    secrets = forms.CharField(
        label="凭据（JSON，仅填写要更改的项）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="已保存的凭据不会显示；留空则保持不变。",
    )

    def _json(self, name):
        raw = (self.cleaned_data.get(name) or "").strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError:
            raise forms.ValidationError("不是有效的 JSON") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("须为 JSON 对象")
        return value

    def clean_config(self):
        return self._json("config")

    def clean_secrets(self):
        return self._json("secrets")


class SubscriberForm(forms.Form):
    organisation = forms.ModelChoiceField(label="村（社区）", queryset=None, empty_label=None)
    name = forms.CharField(label="姓名", max_length=40)
    phone = forms.CharField(label="手机号码", max_length=20)
    topics = forms.MultipleChoiceField(
        label="订阅内容（不选为全部）",
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_on = forms.DateField(label="同意日期", widget=DATE)
    consent_source = forms.ChoiceField(label="同意方式", choices=ConsentSource.choices)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
