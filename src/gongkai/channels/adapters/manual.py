"""Channels a person completes: the printed 公开栏 / 村级公告栏 notice, the LED screen's feed, the ready text for
a QQ group, the 政务服务大厅 and 查阅点. "Sending" prepares the material (rendered from the snapshot on the board);
the send is 已提交 until staff confirm it with a date and an optional photo. The 政府网站 is confirmed when the
item is published (channels.services.dispatches_create) and never reaches a worker."""

from __future__ import annotations

from typing import Any

from gongkai.channels.adapters.base import Adapter, Item, Receipt, Target, register


def ready_text(item: Item) -> str:
    """The text staff paste into a group or read out: title, organisation, 公示期, link."""
    lines = [f"【{item.organisation}】{item.title}"]
    if item.posting_start and item.posting_end:
        lines.append(f"公示期：{item.posting_start:%Y年%m月%d日}至{item.posting_end:%Y年%m月%d日}")
    if item.supervision_phone:
        lines.append(f"监督电话：{item.supervision_phone}")
    lines.append(f"详见：{item.url}")
    return "\n".join(lines)


class ByStaff(Adapter):
    confirms = "by_staff"

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {"text": ready_text(item), "url": item.url, "title": item.title}

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        return Receipt()  # nothing leaves the building: the board shows the material to print, paste or show


for _kind in ("notice_board", "village_board", "qq_group", "service_hall", "reading_point", "led_screen"):
    register(_kind)(type(f"ByStaff_{_kind}", (ByStaff,), {}))


@register("website")
class Website(Adapter):
    confirms = "on_send"

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        return {"url": item.url}

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        return Receipt(external_id=payload["url"], confirmed=True)
