"""Records of where an item went out. 政府网站 is recorded by catalog.services on publication; staff record the
others (微信公众号, 短信平台, 电子屏, 公开栏, 村级公告栏, QQ群, 政务服务大厅) with a date.

Channels sit below the catalog and know nothing of its rules: who may record for an item, and whether the item is
published, are checked by the catalog's services (catalog.services.disclosure_channel_record / _delete), which
call these.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongkai.audit.services import audit_record, snapshot
from gongkai.channels.models import Channel, Publication
from gongkai.core.errors import DomainError


class ChannelError(DomainError):
    pass


def publication_record(
    *, disclosure, channel: str, published_on: datetime.date, actor, note: str = ""
) -> Publication:
    """Record that a published item went out through `channel` on `published_on` (one record per channel).

    The caller has checked the actor's role and that the item is published. Writes `channels.publication_record`.
    """
    if channel not in Channel.values:
        raise ChannelError("无效的发布渠道", field="channel")
    if channel == Channel.WEBSITE:
        raise ChannelError("政府网站发布记录由系统在发布时自动登记", field="channel")
    if not isinstance(published_on, datetime.date):
        raise ChannelError("请填写发布日期", field="published_on")
    if published_on > timezone.localdate():
        raise ChannelError("发布日期不能晚于今天", field="published_on")
    if published_on < disclosure.written_on:
        raise ChannelError("发布日期不能早于成文日期", field="published_on")
    note = (note or "").strip()[:200]
    with transaction.atomic():
        if Publication.objects.filter(disclosure=disclosure, channel=channel).exists():
            raise ChannelError(f"该信息已登记过“{Channel(channel).label}”发布记录", field="channel")
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    disclosure=disclosure,
                    channel=channel,
                    published_on=published_on,
                    recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
                    note=note,
                )
        except IntegrityError:
            raise ChannelError(f"该信息已登记过“{Channel(channel).label}”发布记录", field="channel") from None
        audit_record(
            actor=actor,
            action="channels.publication_record",
            obj=publication,
            organisation=disclosure.organisation,
            after=snapshot(publication),
        )
        return publication


def publication_delete(*, publication: Publication, actor) -> None:
    """Remove a wrongly recorded channel record (the automatic 政府网站 record stays). The caller has checked the
    actor's role."""
    disclosure = publication.disclosure
    if publication.channel == Channel.WEBSITE:
        raise ChannelError("政府网站发布记录不能删除；如需下线请撤回该信息")
    with transaction.atomic():
        before = snapshot(publication)
        publication.delete()
        audit_record(
            actor=actor,
            action="channels.publication_delete",
            organisation=disclosure.organisation,
            object_type="channels.publication",
            object_repr=f"{disclosure.title} · {Channel(before['channel']).label}",
            before=before,
        )
