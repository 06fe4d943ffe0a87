"""The portal's subscription forms (views_subscribe.py): plain Chinese errors, phone first."""

from django import forms

from gongkai.channels.models import Topic
from gongkai.core.errors import DomainError


def _mobile(value: str) -> str:
    from gongkai.channels.services import clean_mobile

    try:
        return clean_mobile(value)
    except DomainError as exc:
        raise forms.ValidationError(exc.message) from None


PHONE_ATTRS = {
    "inputmode": "numeric",
    "autocomplete": "tel-national",
    "maxlength": "13",
    "pattern": "[0-9 -]*",
}


class SubscribeForm(forms.Form):
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs=PHONE_ATTRS),
        error_messages={"required": "请填写手机号码"},
    )
    village = forms.ChoiceField(
        label="所在村（社区）", error_messages={"required": "请选择您所在的村（社区）"}
    )
    topics = forms.MultipleChoiceField(
        label="订阅内容",
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一项订阅内容"},
    )
    name = forms.CharField(label="姓名（可不填）", max_length=40, required=False)
    consent = forms.BooleanField(error_messages={"required": "请阅读并勾选同意后再获取验证码"})

    def clean_phone(self):
        return _mobile(self.cleaned_data["phone"])

    def __init__(self, *args, villages=(), consent_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", "请选择")] + [(v.code, v.name) for v in villages]
        self.fields["consent"].label = consent_text


class CodeForm(forms.Form):
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "6"}
        ),
        error_messages={"required": "请填写短信中的6位数字验证码"},
    )


class UnsubscribeForm(forms.Form):
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs=PHONE_ATTRS),
        error_messages={"required": "请填写手机号码"},
    )

    def clean_phone(self):
        return _mobile(self.cleaned_data["phone"])
