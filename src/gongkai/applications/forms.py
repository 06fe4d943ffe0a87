from django import forms

from gongkai.applications import contact
from gongkai.applications.clock import MAX_EXTENSION_WORKDAYS, EventKind
from gongkai.applications.decisions import APPLICANT_COLUMNS, DECISION_CHOICES
from gongkai.applications.fees import FeeBasis
from gongkai.applications.models import ApplicantKind, Channel, Delivery, LetterKind, ProvisionForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ORG_KINDS = [(c.code, c.label) for c in APPLICANT_COLUMNS if c.is_organisation]


class ApplicantFieldsMixin(forms.Form):
    applicant_type = forms.ChoiceField(
        label="申请人类型", choices=ApplicantKind.choices, widget=forms.RadioSelect, initial="natural_person"
    )
    applicant_column = forms.ChoiceField(
        label="法人或其他组织类别（申请人为法人或其他组织时选择）",
        choices=[("", "——")] + ORG_KINDS,
        required=False,
    )
    name = forms.CharField(label="姓名或名称", max_length=120)
    id_number = forms.CharField(
        label="公民身份号码或统一社会信用代码",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label="联系电话", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    address = forms.CharField(label="通信地址", max_length=200, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    info_title = forms.CharField(label="所需信息的名称", max_length=300, required=False)
    info_doc_no = forms.CharField(label="文号", max_length=100, required=False)
    info_description = forms.CharField(
        label="所需信息的内容描述（便于查询的特征性描述）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    provision_form = forms.ChoiceField(
        label="信息提供形式", choices=ProvisionForm.choices, widget=forms.RadioSelect
    )
    delivery = forms.ChoiceField(label="获取信息方式", choices=Delivery.choices, widget=forms.RadioSelect)
    proof = forms.FileField(label="身份证明（PDF、JPG或PNG，不超过5MB）", required=False)


# The rules of a phone number, an e-mail and the delivery they allow: contact.py (one definition).
MOBILE, LANDLINE, PHONE_HELP = contact.MOBILE, contact.LANDLINE, contact.PHONE_HELP

# Messages written for each field, in plain words (not the framework's defaults).
PUBLIC_MESSAGES = {
    "applicant_type": "请选择申请人类型",
    "name": "请填写申请人的姓名；单位申请请填写单位名称",
    "id_number": "请填写公民身份号码；单位申请请填写统一社会信用代码",
    "provision_form": "请选择希望以什么形式获得信息（纸质或电子）",
    "delivery": "请选择获取信息的方式",
    "consent": "请阅读个人信息处理说明，并勾选“我已阅读”",
}


class PublicApplicationForm(ApplicantFieldsMixin):
    # Honeypot: hidden from people by CSS (.hp), filled by bots.
    website = forms.CharField(label="网址（请勿填写）", required=False)
    consent = forms.BooleanField(label="我已阅读上述个人信息处理说明")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, message in PUBLIC_MESSAGES.items():
            self.fields[name].error_messages["required"] = message
        self.fields["email"].error_messages["invalid"] = contact.EMAIL_INVALID
        self.fields["phone"].help_text = PHONE_HELP
        for name in ("provision_form", "delivery", "applicant_type"):
            self.fields[name].error_messages["invalid_choice"] = PUBLIC_MESSAGES[name]

    def clean_phone(self):
        phone = contact.normalise_phone(self.cleaned_data.get("phone", ""))
        problem = contact.phone_problem(phone)
        if problem:
            raise forms.ValidationError(problem)
        return phone

    def clean(self):
        cleaned = super().clean()
        # The delivery chosen must be one the contact details make possible.
        problems = contact.delivery_problems(
            cleaned.get("delivery"), email=cleaned.get("email"), address=cleaned.get("address")
        )
        for name, message in problems.items():
            if name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def full_clean(self):
        super().full_clean()
        # Each field in error points at its message (the page's error summary links to the field).
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"err-{name}"


class RegisterForm(ApplicantFieldsMixin):
    channel = forms.ChoiceField(label="申请渠道", choices=Channel.choices)
    received_on = forms.DateField(
        label="收到申请之日",
        widget=DATE,
        help_text="当面提交：提交之日；邮寄：签收之日；平常信函、传真、电子邮件：双方确认之日（第三十一条）",
    )


class TrackForm(forms.Form):
    case_number = forms.CharField(label="申请编号", max_length=32)
    code = forms.CharField(label="查询码", max_length=32, widget=forms.PasswordInput(render_value=True))


class CorrectionAnswerForm(forms.Form):
    text = forms.CharField(
        label="补正内容",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请写明补正的内容", "max_length": "补正内容请不超过2000字"},
        help_text="按补正告知书的要求，写明所需信息的名称、文号或其他特征性描述等",
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (Django's documented pattern); the services check each one's content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class CorrectionFilesForm(CorrectionAnswerForm):
    text = forms.CharField(
        label="补正内容",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": "补正内容请不超过2000字"},
        help_text="按补正告知书的要求，写明所需信息的名称、文号或其他特征性描述等",
    )
    files = MultipleFileField(
        label="补正材料（可不附；PDF、JPG或PNG，每个不超过5MB，最多3个）",
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ContactUpdateForm(forms.Form):
    """The applicant's new contact details, checked as the public form checks them (contact.py)."""

    phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        help_text=PHONE_HELP,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="电子邮箱", required=False, error_messages={"invalid": contact.EMAIL_INVALID}
    )
    address = forms.CharField(
        label="通信地址",
        max_length=contact.MAX_ADDRESS,
        required=False,
        error_messages={"max_length": f"通信地址不能超过{contact.MAX_ADDRESS}个字"},
    )

    def clean_phone(self):
        phone = contact.normalise_phone(self.cleaned_data.get("phone", ""))
        problem = contact.phone_problem(phone)
        if problem:
            raise forms.ValidationError(problem)
        return phone


class DeadlineForm(forms.Form):
    start = forms.DateField(label="起算日（收到申请之日）", widget=DATE)
    days = forms.IntegerField(label="工作日数", min_value=1, max_value=200, initial=20)


class DateForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)


class CorrectionRequestForm(DateForm):
    deadline = forms.DateField(label="补正期限", widget=DATE)
    items = forms.CharField(label="需要补正的事项", widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(DateForm):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ConsultationOpenForm(DateForm):
    consulted = forms.CharField(label="被征求意见的单位或个人", max_length=200)
    letter_received_on = forms.DateField(label="征求意见函送达日期（可不填）", widget=DATE, required=False)


class ConsultationCloseForm(DateForm):
    opinion = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(DateForm):
    workdays = forms.IntegerField(
        label="延长工作日数", min_value=1, max_value=MAX_EXTENSION_WORKDAYS, initial=20
    )
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class FeeNoticeForm(DateForm):
    basis = forms.ChoiceField(label="计收方式", choices=[(b.value, b.label) for b in FeeBasis])
    quantity = forms.IntegerField(
        label="页数（按量）或本月此前申请件数（按件，留空则按本机关记录自动统计）",
        min_value=0,
        required=False,
    )
    received_on = forms.DateField(label="申请人收到通知日期（可不填）", widget=DATE, required=False)


class FeePaidForm(DateForm):
    amount_collected = forms.DecimalField(
        label="实收金额（元）", min_value=0, max_digits=10, decimal_places=2
    )


class DecideForm(DateForm):
    decision = forms.ChoiceField(label="答复类型", choices=DECISION_CHOICES)
    legal_basis = forms.CharField(label="法律依据（留空则按答复类型自动填写）", required=False)
    reply_text = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 5}))


class DecideWithFilesForm(DecideForm):
    files = MultipleFileField(
        label="答复附件：公开的政府信息（PDF、Word、Excel、JPG或PNG，每个不超过20MB，最多10个）"
    )


class AttachFilesForm(forms.Form):
    files = MultipleFileField(
        label="答复附件：公开的政府信息（PDF、Word、Excel、JPG或PNG，每个不超过20MB，最多10个）",
        required=True,
        error_messages={"required": "请选择要附上的文件"},
    )


class DeliverForm(DateForm):
    method = forms.ChoiceField(label="送达方式", choices=Delivery.choices)
    proof = forms.CharField(label="送达凭证（如挂号信单号、签收人）", max_length=300, required=False)


# The form that records each event kind after receipt; its name (URL, prefix) and label are the clock's.
EVENT_FORMS: dict[EventKind, type[DateForm]] = {
    EventKind.RECEIPT_CONFIRMED: DateForm,
    EventKind.CORRECTION_REQUESTED: CorrectionRequestForm,
    EventKind.CORRECTION_RECEIVED: NoteForm,
    EventKind.DEEMED_ABANDONED: NoteForm,
    EventKind.THIRD_PARTY_CONSULTATION_OPENED: ConsultationOpenForm,
    EventKind.THIRD_PARTY_CONSULTATION_CLOSED: ConsultationCloseForm,
    EventKind.OTHER_ORGAN_CONSULTATION_OPENED: ConsultationOpenForm,
    EventKind.OTHER_ORGAN_CONSULTATION_CLOSED: ConsultationCloseForm,
    EventKind.EXTENSION_APPROVED: ExtensionForm,
    EventKind.FEE_NOTICE_SENT: FeeNoticeForm,
    EventKind.FEE_PAID: FeePaidForm,
    EventKind.DECIDED: DecideWithFilesForm,
    EventKind.DELIVERED: DeliverForm,
    EventKind.ARCHIVED: DateForm,
}


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="承办人", required=False)


class LetterTemplateForm(forms.Form):
    kind = forms.ChoiceField(label="文书类型", choices=LetterKind.choices, widget=forms.HiddenInput)
    body = forms.CharField(label="模板内容", widget=forms.Textarea(attrs={"rows": 14}))


class LetterSettingsForm(forms.Form):
    number_prefix = forms.CharField(
        label="发文字号前缀（机关代字）",
        max_length=20,
        required=False,
        help_text="如“渠政信公”，文号即“渠政信公〔2026〕3号”。留空时按机构简称生成。",
    )
    contact_office = forms.CharField(label="联系科室", max_length=120, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=40, required=False)
    contact_address = forms.CharField(label="通信地址", max_length=200, required=False)
