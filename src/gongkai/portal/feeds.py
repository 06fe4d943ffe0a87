"""RSS of an organisation's latest public items (its subtree)."""

import datetime as dt

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gongkai.portal import queries as column
from gongkai.portal import queries_catalog


class LatestItemsFeed(Feed):
    def get_object(self, request, code):
        organisation = column.column_organisation(code)
        if organisation is None:
            raise Http404("没有找到该机构")
        return organisation

    def title(self, organisation):
        return f"{organisation.name} · 政府信息公开"

    def link(self, organisation):
        return reverse("portal_catalog:catalog", args=[organisation.code])

    def description(self, organisation):
        return f"{organisation.name}及其下级机构最新主动公开的政府信息"

    def items(self, organisation):
        return queries_catalog.latest_items(organisation)

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary or f"{item.get_kind_display()} · {item.organisation.name}"

    def item_link(self, item):
        return reverse("portal_catalog:item", args=[item.pk])

    def item_pubdate(self, item):
        return timezone.make_aware(dt.datetime.combine(item.published_on, dt.time(9, 0)))

    def item_author_name(self, item):
        return item.organisation.name

    def item_guid(self, item):
        return item.index_no or str(item.pk)

    item_guid_is_permalink = False
