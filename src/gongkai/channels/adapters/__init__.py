"""The adapter interface of the dispatch outbox: one adapter per channel kind.

An adapter turns a published item into what one channel target receives, and hands it over:

- ``render(item, target) -> payload``: pure (no clock, no network, no database). `item` is an `Item` (plain
  values of the published item, snapshotted on the Dispatch row when it was created), `target` a `Target` (the
  channel's settings and its decrypted secrets). The payload is a JSON-able dict; golden tests pin it.
- ``send(payload, key) -> Receipt`` on an adapter made for one target (``adapter_for(target)``): delivers the
  payload, passing the dispatch's idempotency `key` to every API that takes one (WeChat ``clientmsgid``, Aliyun
  ``OutId``, Tencent ``SessionContext``, the ``Idempotency-Key`` header of HTTP gateways and webhooks). It
  returns a `Receipt` or raises `DeliveryError` (``permanent=True``: never retried, the send goes to 失败待处理
  `dead`; else retried after ``retry_after`` seconds or the outbox's backoff). A timeout, or any failure after
  which the far side may have acted, raises `DeliveryUnknown`: the outbox then does not resend before
  ``check`` has answered.
- ``check(payload, key, receipt) -> Receipt | None`` (optional): asks the far side whether the send with `key`
  went through (an SMS receipt, an idempotent gateway's status). ``None``: it did not, send again. Adapters
  whose API deduplicates by `key` set ``deduplicates = True`` and may simply send again. An adapter with
  neither cannot know: the outbox stops that send at `dead` with 结果不明, for staff to verify and retry.
- ``confirms``: ``"on_send"`` (the receipt is the delivery: website, robots, webhooks), ``"on_receipt"`` (the
  send is 已提交 `submitted` until ``check`` confirms it: SMS receipts, WeChat publishing), or ``"by_staff"``
  (printed notices, LED screens, QQ groups, the service hall: staff confirm with a date and an optional photo).

Adapters register themselves with ``@register(kind)``; the kinds are `TargetKind` (channels.models). A new kind
(for example the API's webhooks) adds its value to `TargetKind`, a module here with its class, and an import
below.
"""

from __future__ import annotations

# the adapters register themselves on import
from gongkai.channels.adapters import gateway, manual, robots, sms, webhook, wechat  # noqa: F401
from gongkai.channels.adapters.base import (  # noqa: F401  (the interface, importable from here)
    REGISTRY,
    Adapter,
    DeliveryError,
    DeliveryUnknown,
    Item,
    Receipt,
    Target,
    register,
)


def adapter_class(kind: str) -> type[Adapter]:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise LookupError(f"no adapter for channel kind {kind!r}") from None


def adapter_for(target: Target, store=None) -> Adapter:
    """The adapter of one target; `store` holds state shared by every worker (channels.services.TargetStore)."""
    return adapter_class(target.kind)(target, store)
