from django.contrib import admin
from django.db import transaction

from gongkai.workdays.models import CalendarOverride
from gongkai.workdays.services import override_delete, override_set


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """The admin-editable override table (calendar.md §4). Writes go through the services so they are audited."""

    list_display = ("date", "is_workday", "note", "organisation", "arrangement")
    # A year's arrangement is entered as a whole in the office (workdays_office), not day by day here.
    exclude = ("arrangement",)
    list_filter = ("is_workday",)
    search_fields = ("note", "organisation__name")
    date_hierarchy = "date"
    raw_id_fields = ("organisation",)

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        # Moving an override to another date or scope is a delete plus a set, so both are audited.
        if change and ("date" in form.changed_data or "organisation" in form.changed_data):
            old = CalendarOverride.objects.get(pk=obj.pk)
            override_delete(override=old, actor=request.user)
            obj.pk = None
        saved = override_set(
            date=obj.date,
            is_workday=obj.is_workday,
            note=obj.note,
            organisation=obj.organisation,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        override_delete(override=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            override_delete(override=obj, actor=request.user)
