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
