from django import forms
from django.db.models import Q

from gongkai.catalog.models import (
    CATALOG_CHANNELS,
    CatalogArea,
    CatalogEntry,
    Disclosure,
    Kind,
    Status,
    SubjectClass,
    Validity,
)
from gongkai.channels.forms import PublicationForm  # noqa: F401  (the item page's channel form)
from gongkai.orgs.models import Organisation
from gongkai.privacy.mask import ColumnMasking, default_masking_for_header

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class DisclosureForm(forms.ModelForm):
    organisation = forms.ModelChoiceField(label="发布机构", queryset=Organisation.objects.none())

    class Meta:
        model = Disclosure
        fields = [
            "organisation",
            "title",
            "kind",
            "document_class",
            "doc_no",
            "written_on",
            "summary",
            "body",
            "subject",
            "catalog_entry",
            "interprets",
            "posting_days",
            "validity",
            "effective_on",
            "mode",
            "audience",
            "publish_at",
        ]
        widgets = {
            "written_on": DATE,
            "effective_on": DATE,
            "publish_at": DATETIME,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 12}),
        }
        help_texts = {"body": "可使用段落、加粗、列表、表格和链接等基本格式；其他标记会被清除。"}

    def __init__(self, *args, organisations=None, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            organisations if organisations is not None else Organisation.objects.none()
        )
        if self.instance.pk:
            del self.fields["organisation"]
        scope = organisation or (self.instance.organisation if self.instance.pk else None)
        if scope is not None:
            ancestors = scope.ancestor_ids()
            self.fields["catalog_entry"].queryset = CatalogEntry.objects.filter(
                organisation_id__in=ancestors
            ).select_related("area")
            self.fields["interprets"].queryset = Disclosure.objects.filter(
                organisation__path__startswith=scope.path, kind=Kind.DOCUMENT, status=Status.PUBLISHED
            )
        else:
            self.fields["catalog_entry"].queryset = CatalogEntry.objects.none()
            self.fields["interprets"].queryset = Disclosure.objects.none()
        self.fields["subject"].queryset = (
            SubjectClass.objects.filter(Q(parent__isnull=False) | Q(children__isnull=True))
            .select_related("parent")
            .distinct()
        )
        self.fields["validity"].choices = [(Validity.VALID, Validity.VALID.label)]
        self.fields["publish_at"].help_text = "留空则审批通过后立即发布"


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件", help_text="PDF、Word、Excel、OFD、JPG/PNG，单个文件不超过20MB")


class TransitionForm(forms.Form):
    comment = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    override_reason = forms.CharField(label="隐私检查放行理由", required=False, max_length=500)
    publish_at = forms.DateTimeField(label="定时发布时间", required=False, widget=DATETIME)


class ValidityForm(forms.Form):
    validity = forms.ChoiceField(label="有效性", choices=Validity.choices)
    changed_on = forms.DateField(label="修改或废止日期", required=False, widget=DATE)


class FilterForm(forms.Form):
    q = forms.CharField(label="名称或索引号", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + Status.choices)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + Kind.choices)
    area = forms.ModelChoiceField(
        label="领域", required=False, queryset=CatalogArea.objects.all(), empty_label="全部"
    )
    organisation = forms.ModelChoiceField(
        label="机构/村", required=False, queryset=Organisation.objects.none(), empty_label="本机构及下级"
    )
    year = forms.IntegerField(label="发布年度", required=False, min_value=2000, max_value=2100)
    late = forms.BooleanField(label="仅超期发布", required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class CatalogEntryForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label="公开渠道和载体", required=False, choices=CATALOG_CHANNELS, widget=forms.CheckboxSelectMultiple
    )
    levels = forms.CharField(label="公开层级", required=False, help_text="用顿号分隔，如：县级、乡级")

    class Meta:
        model = CatalogEntry
        fields = [
            "area",
            "statutory_article",
            "level1",
            "level2",
            "elements",
            "legal_basis",
            "time_limit",
            "responsible_org",
            "channels",
            "audience",
            "mode",
            "levels",
            "sort_order",
        ]
        widgets = {
            "elements": forms.Textarea(attrs={"rows": 3}),
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["levels"] = "、".join(self.instance.levels or [])

    def clean_levels(self):
        text = self.cleaned_data["levels"].replace("，", "、").replace(",", "、")
        return [part.strip() for part in text.split("、") if part.strip()]


class UploadForm(forms.Form):
    file = forms.FileField(label="表格文件（XLSX 或 CSV）")


class ImportForm(UploadForm):
    """The bulk import: drafts by default; 直接记为已发布 is offered to administrators only (the service checks)."""

    published = forms.BooleanField(
        label="直接记为已发布（不经审核，按原发布日期；仅管理员，记入审计日志）", required=False
    )

    def __init__(self, *args, may_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_publish:
            del self.fields["published"]

    def clean(self):
        data = super().clean()
        data.setdefault("published", False)
        return data


class PostingForm(forms.Form):
    title = forms.CharField(label="公示名称", max_length=300)
    written_on = forms.DateField(label="成文日期", widget=DATE)
    posting_days = forms.IntegerField(label="公示期（工作日）", min_value=1, max_value=60, initial=7)
    summary = forms.CharField(label="内容概述", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    catalog_entry = forms.ModelChoiceField(
        label="目录条目", required=False, queryset=CatalogEntry.objects.none()
    )

    def __init__(self, *args, headers=(), organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisation is not None:
            self.fields["catalog_entry"].queryset = CatalogEntry.objects.filter(
                organisation_id__in=organisation.ancestor_ids()
            )
        self.column_fields = []
        for i, header in enumerate(headers):
            default = default_masking_for_header(header)
            pub = forms.BooleanField(
                label=f"公开“{header}”", required=False, initial=default != ColumnMasking.DROP
            )
            mask = forms.ChoiceField(
                label=f"“{header}”的处理", choices=ColumnMasking.choices, initial=default
            )
            self.fields[f"col_{i}"] = pub
            self.fields[f"mask_{i}"] = mask
            self.column_fields.append((header, f"col_{i}", f"mask_{i}"))
        # The columns the clerk confirmed may be published although their masking empties them (uploads.py).
        self.fields["confirm_emptied"] = forms.TypedMultipleChoiceField(
            label="确认空白列",
            required=False,
            coerce=int,
            choices=[(str(i), str(header)) for i, header in enumerate(headers)],
            widget=forms.MultipleHiddenInput,
        )

    def bound_columns(self):
        return [(header, self[pub], self[mask]) for header, pub, mask in self.column_fields]

    def chosen(self) -> tuple[list[int], dict[int, str]]:
        columns = [i for i, _ in enumerate(self.column_fields) if self.cleaned_data.get(f"col_{i}")]
        maskings = {i: self.cleaned_data[f"mask_{i}"] for i in range(len(self.column_fields))}
        return columns, maskings


class CalendarForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    is_workday = forms.TypedChoiceField(
        label="当日",
        choices=[("0", "休息（节假日）"), ("1", "上班（调休上班日）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明（依据）", max_length=200)


class ChannelChoiceForm(forms.Form):
    """The channels an approval publishes to: the organisation's enabled channel targets, ticked by default from
    the catalog entry's 公开渠道和载体 and 发布时默认选中 (catalog.services.channel_target_defaults). The hidden
    `channels_shown` tells an approval with every box unticked (no channel but the website) from one posted
    without the list (the default set)."""

    channels_shown = forms.BooleanField(widget=forms.HiddenInput, required=False, initial=True)
    channel_targets = forms.TypedMultipleChoiceField(
        label="发布渠道", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, targets=(), defaults=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel_targets"].choices = [
            (
                t.pk,
                f"{t.get_kind_display()} · {t.name}"
                + (f"（{t.organisation.name}）" if t.kind == "village_board" else "")
                + ("（已暂停，审批后待恢复再发送）" if t.blocked_at else ""),
            )
            for t in targets
        ]
        self.fields["channel_targets"].initial = sorted(defaults)

    def chosen(self) -> list[int] | None:
        """The targets chosen, or None when the form did not carry the list."""
        if not self.data.get("channels_shown"):
            return None
        offered = {pk for pk, _label in self.fields["channel_targets"].choices}
        values = self.data.getlist("channel_targets") if hasattr(self.data, "getlist") else []
        return [int(v) for v in values if str(v).isdigit() and int(v) in offered]  # others are never sent
