from django import forms

from gongkai.oversight.models import ComplaintChannel, RemedyKind, RemedyResult

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label="收到日期", widget=DATE)
    channel = forms.ChoiceField(label="渠道", choices=ComplaintChannel.choices)
    subject = forms.CharField(label="事由", max_length=200)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 4}))
    handling = forms.CharField(label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    result = forms.CharField(label="处理结果", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    closed_on = forms.DateField(label="办结日期", required=False, widget=DATE)


class ComplaintCloseForm(forms.Form):
    handling = forms.CharField(label="处理情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 2}))
    closed_on = forms.DateField(label="办结日期", widget=DATE)


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=RemedyKind.choices)
    case_number = forms.CharField(label="所涉申请编号（可不填）", max_length=32, required=False)
    filed_on = forms.DateField(label="立案（提起）日期", widget=DATE)
    body = forms.CharField(label="复议机关或法院", max_length=120, required=False)
    reference = forms.CharField(label="案号", max_length=100, required=False)
    result = forms.ChoiceField(label="结果", choices=RemedyResult.choices, initial=RemedyResult.PENDING)
    decided_on = forms.DateField(label="审结日期", required=False, widget=DATE)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RemedyDecideForm(forms.Form):
    result = forms.ChoiceField(
        label="结果", choices=[c for c in RemedyResult.choices if c[0] != RemedyResult.PENDING]
    )
    decided_on = forms.DateField(label="审结日期", widget=DATE)
