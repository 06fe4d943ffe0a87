from django import forms

from gongkai.channels.models import Channel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublicationForm(forms.Form):
    """Staff record where a published item went out; 政府网站 is recorded automatically."""

    channel = forms.ChoiceField(label="渠道", choices=[c for c in Channel.choices if c[0] != Channel.WEBSITE])
    published_on = forms.DateField(label="发布日期", widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=200)
