from django import forms

from gongkai.participation import clock
from gongkai.participation.guard import GuardedPublicForm
from gongkai.participation.models import ResponseChannel, ResponseKind

PHONE_HELP = "选填；公开时只显示遮盖后的号码"


class QuestionForm(GuardedPublicForm):
    subject = forms.CharField(label="标题", max_length=100)
    body = forms.CharField(
        label="留言内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="请勿填写身份证号、银行卡号等个人信息；含有个人信息的留言不予公开",
    )
    asker_name = forms.CharField(
        label="姓名", max_length=40, required=False, help_text="选填；公开时只显示姓氏"
    )
    asker_phone = forms.RegexField(
        label="联系电话",
        regex=r"^[0-9\-+ ]{5,20}$",
        required=False,
        help_text=PHONE_HELP,
        error_messages={"invalid": "请填写正确的电话号码"},
    )
    wants_private = forms.BooleanField(label="不公开我的留言和答复", required=False)

    field_order = ["subject", "body", "asker_name", "asker_phone", "wants_private", "website", "form_token"]


class CommentForm(GuardedPublicForm):
    name = forms.CharField(label="姓名", max_length=40, required=False, help_text="选填；公开时只显示姓氏")
    body = forms.CharField(
        label="意见建议",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="意见经审核后公开，其中的个人信息会被遮盖",
    )

    field_order = ["name", "body", "website", "form_token"]


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 6}))


class TransferForm(forms.Form):
    to_organisation = forms.ModelChoiceField(label="转办至", queryset=None)
    note = forms.CharField(label="转办说明", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations


class ConsultationForm(forms.Form):
    draft = forms.ModelChoiceField(
        label="征求意见稿", queryset=None, help_text="须为已发布的“征求意见稿”类信息"
    )
    title = forms.CharField(
        label="征集主题", max_length=200, required=False, help_text="留空则使用征求意见稿的名称"
    )
    opens_on = forms.DateField(
        label="开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    open_workdays = forms.IntegerField(
        label="征集期（工作日）", min_value=clock.MIN_OPEN_WORKDAYS, initial=clock.DEFAULT_OPEN_WORKDAYS
    )

    def __init__(self, *args, drafts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["draft"].queryset = drafts


class FeedbackForm(forms.Form):
    feedback = forms.CharField(label="意见采纳情况", widget=forms.Textarea(attrs={"rows": 6}))


class ResponseForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=ResponseKind.choices)
    channel = forms.ChoiceField(label="渠道", choices=ResponseChannel.choices)
    responded_on = forms.DateField(
        label="回应日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    subject = forms.CharField(label="回应事项", max_length=200)
    content = forms.CharField(label="回应内容", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    disclosures = forms.ModelMultipleChoiceField(label="相关信息", queryset=None, required=False)

    def __init__(self, *args, disclosures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["disclosures"].queryset = disclosures
