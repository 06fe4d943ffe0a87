from django import forms

from gongkai.reports.models import ExternalFigures


class ExternalFiguresForm(forms.ModelForm):
    class Meta:
        model = ExternalFigures
        fields = [
            "licensing_decisions", "penalty_decisions", "compulsion_decisions", "admin_fees_wan",
            "licensing_items", "other_services_items", "other_services_decisions", "penalty_items",
            "compulsion_items", "admin_fee_items", "procurement_items", "procurement_amount_wan", "source_note",
        ]  # fmt: skip


class NewReportForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2008)


class PastReportForm(forms.Form):
    file = forms.FileField(label="上一年度已发布的年度报告（HTML、DOCX、PDF、Markdown 或文本）")
    confirm = forms.BooleanField(label="确认导入（不勾选则只试读，不保存）", required=False)
