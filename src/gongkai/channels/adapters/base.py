"""The adapter interface (described in channels/adapters/__init__.py) and the registry of adapters by kind."""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class Item:
    """A published item as channels see it: plain values, no model (channels know nothing of the catalog)."""

    id: int
    title: str
    url: str  # the item's permanent public URL
    organisation: str  # 落款: the issuing organisation's name
    organisation_code: str = ""
    index_no: str = ""  # 索引号
    body_text: str = ""
    body_html: str = ""
    kind: str = ""  # the catalog's kind (posting = 公示)
    category: str = ""  # the catalog entry's name
    topics: tuple[str, ...] = ()  # 低保/救助, 补贴, 工程, 财务, 通知
    village: str = ""  # the village concerned, when there is one
    published_on: datetime.date | None = None
    posting_start: datetime.date | None = None  # 公示期
    posting_end: datetime.date | None = None
    supervision_phone: str = ""  # 监督电话
    unsubscribe_url: str = (
        ""  # where a villager texted about it ends their SMS subscription (the portal's 退订)
    )
    # An event of the API's webhooks (item.published, application.received …) and its JSON data; empty for a
    # publication's own sends.
    event: str = ""
    data: dict[str, Any] = dataclasses.field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in ("published_on", "posting_start", "posting_end"):
            data[name] = data[name].isoformat() if data[name] else None
        data["topics"] = list(self.topics)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Item:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name in ("published_on", "posting_start", "posting_end"):
            if values.get(name):
                values[name] = datetime.date.fromisoformat(values[name])
        values["topics"] = tuple(values.get("topics") or ())
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class Target:
    """One channel target of an organisation (a WeChat account, a robot, a screen, a board …) as adapters see it."""

    id: int
    kind: str
    name: str
    organisation: str = ""
    config: dict[str, Any] = dataclasses.field(default_factory=dict)  # base URL, app id, template code …
    secrets: dict[str, str] = dataclasses.field(default_factory=dict)  # decrypted credentials
    recipients: tuple[str, ...] = ()  # the numbers one SMS send goes to (its subscribers), when it has any


@dataclasses.dataclass(frozen=True)
class Receipt:
    """What the far side answered: its id for the send, whether that already confirms delivery, and details
    worth keeping (the WeChat article URL, an SMS BizId …)."""

    external_id: str = ""
    confirmed: bool = False
    detail: dict[str, Any] = dataclasses.field(default_factory=dict)


class DeliveryError(Exception):
    """The send did not go through. `permanent`: retrying cannot help (bad credentials, a refused template, an
    account blocked until an administrator acts, when `blocks_target`). Else retry after `retry_after` seconds,
    or after the outbox's backoff when None."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool = False,
        retry_after: float | None = None,
        blocks_target: bool = False,
    ):
        super().__init__(message)
        self.message = message
        self.permanent = permanent or blocks_target
        self.retry_after = retry_after
        self.blocks_target = blocks_target


class DeliveryUnknown(DeliveryError):
    """The far side may have acted (a timeout after the request left): `check` must answer before a resend."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message, retry_after=retry_after)


class Adapter:
    """Base class: subclasses set `kind`, `confirms`, and implement `render` and `send` (and `check` when the
    far side can be asked)."""

    kind: ClassVar[str] = ""
    confirms: ClassVar[str] = "on_send"  # on_send | on_receipt | by_staff
    deduplicates: ClassVar[bool] = False  # the far side drops a second request with the same key
    timeout: ClassVar[float] = 15.0
    per_minute: ClassVar[int | None] = None  # at most this many sends a minute per target (robots: 20)

    def __init__(self, target: Target, store=None):
        self.target = target
        self.store = store  # where state shared by every worker is held (the WeChat token); None for most

    @staticmethod
    def render(item: Item, target: Target) -> dict[str, Any]:
        raise NotImplementedError

    def send(self, payload: dict[str, Any], key: str) -> Receipt:
        raise NotImplementedError

    def check(self, payload: dict[str, Any], key: str, receipt: Receipt | None) -> Receipt | None:
        raise NotImplementedError  # adapters without a way to ask leave this out

    @classmethod
    def can_check(cls) -> bool:
        return cls.check is not Adapter.check


REGISTRY: dict[str, type[Adapter]] = {}


def register(kind: str) -> Callable[[type[Adapter]], type[Adapter]]:
    def decorate(cls: type[Adapter]) -> type[Adapter]:
        cls.kind = kind
        REGISTRY[kind] = cls
        return cls

    return decorate
