"""Webhooks: outside systems subscribe an organisation's events and receive them signed (HMAC-SHA256 with a
timestamp), delivered — with retries, exactly once per event and endpoint — by the channels outbox (a
`ChannelTarget` of kind `webhook`, channels/adapters/webhook.py).

Where events come from: the audit log. Every write of the domain appends its audit row in the write's own
transaction, so an audit row exists exactly when the change was committed — the log is the transactional outbox
of the domain's events, and no domain app needs to know the API exists. `webhooks_relay` reads the rows after its
cursor (ids grow in commit order: writers extend the chain under one lock), maps each action to an event, and
enqueues one delivery per subscribed endpoint of the organisation or an ancestor with the idempotency key
`wh<endpoint>-a<audit id>`: run it twice, a delivery is still created once. `application.overdue` has no write
behind it (time passes): the relay asks the applications' clock for open cases past their due date, keyed by
case and due date, so each overdue case is announced once (and again only if its due date changes).
"""

import datetime as dt
import secrets as secrets_module

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gongkai.api.models import WebhookRelay
from gongkai.api.permissions import can_manage_tokens
from gongkai.applications import queries as application_queries
from gongkai.applications.models import Application
from gongkai.audit.models import AuditEvent
from gongkai.catalog.models import Disclosure
from gongkai.channels import services as channel_services
from gongkai.channels.adapters import Item
from gongkai.channels.models import ChannelTarget, Dispatch, TargetKind
from gongkai.core.errors import DomainError, PermissionDenied
from gongkai.orgs.models import Organisation

# audit action → webhook event
EVENTS = {
    "catalog.disclosure_published": "item.published",
    "catalog.disclosure_retracted": "item.retracted",
    "applications.submit": "application.received",
    "applications.register": "application.received",
    "applications.decided": "application.decided",
    "applications.deemed_abandoned": "application.decided",
    "reports.publish": "report.published",
}
EVENT_NAMES = sorted({*EVENTS.values(), "application.overdue"})
BATCH = 500


class WebhookError(DomainError):
    pass


def webhook_create(
    *, organisation, actor, name: str, url: str, events: list[str]
) -> tuple[ChannelTarget, str]:
    """An organisation's 管理员 subscribes `url` to `events` of the organisation and everything below it. Returns
    (the target, its signing secret, shown this once). Only events after its creation are delivered."""
    if not can_manage_tokens(actor, organisation):
        raise PermissionDenied("只有该机构的管理员可以设置 Webhook")
    url = (url or "").strip()
    if not url.startswith(("https://", "http://")):
        raise WebhookError("Webhook 地址应以 https:// 开头", field="url")
    chosen = [e for e in EVENT_NAMES if e in set(events or [])]
    if not chosen:
        raise WebhookError(f"请至少选择一种事件：{'、'.join(EVENT_NAMES)}", field="events")
    secret = secrets_module.token_hex(32)
    target = channel_services.target_save(
        organisation=organisation,
        actor=actor,
        kind=TargetKind.WEBHOOK,
        name=name,
        config={"url": url, "events": chosen, "since_audit_id": last_event_id()},
        secrets={"secret": secret},
        default_on=False,  # never chosen for a publication's own sends: its events come from the relay
    )
    return target, secret


def last_event_id() -> int:
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _application_summary(application) -> dict:
    """What a webhook says of a case: never the applicant's personal data."""
    clock = application_queries.clock_of(application, today=timezone.localdate())
    return {
        "id": application.pk,
        "case_number": application.case_number,
        "received_on": application.received_on.isoformat(),
        "stage": application.stage,
        "decision": application.decision or "",
        "decided_on": application.decided_on.isoformat() if application.decided_on else None,
        "due_date": clock.due_on.isoformat() if clock.due_on else None,
    }


def endpoints_of(organisation) -> list[ChannelTarget]:
    return list(
        ChannelTarget.objects.filter(organisation=organisation, kind=TargetKind.WEBHOOK).order_by("name")
    )


def _endpoints() -> list[ChannelTarget]:
    return list(
        ChannelTarget.objects.filter(
            kind=TargetKind.WEBHOOK, enabled=True, blocked_at__isnull=True
        ).select_related("organisation")
    )


def _item_data(object_id: str) -> dict:
    found = Disclosure.objects.filter(pk=object_id).first()
    if found is None:
        return {"id": int(object_id)}
    return {
        "id": found.pk,
        "index_no": found.index_no,
        "title": found.title,
        "kind": found.kind,
        "published_on": found.published_on.isoformat() if found.published_on else None,
        "url": reverse("portal_catalog:item", args=[found.pk]),
    }


def _application_data(object_id: str) -> dict:
    found = Application.objects.filter(pk=object_id).select_related("organisation").first()
    return _application_summary(found) if found else {"id": int(object_id)}


def _data(event: str, audit) -> dict:
    if event.startswith("item."):
        return _item_data(audit.object_id)
    if event.startswith("application."):
        return _application_data(audit.object_id)
    return {"report_id": int(audit.object_id), **(audit.after or {})} if audit.object_id else {}


def _enqueue(
    endpoint: ChannelTarget, *, event: str, organisation: Organisation, data: dict, key: str, at
) -> bool:
    if event not in endpoint.config.get("events", []):
        return False
    item = Item(
        id=int(data.get("id") or 0),
        title=str(data.get("title") or data.get("case_number") or event),
        url=str(data.get("url") or ""),
        organisation=organisation.name,
        organisation_code=organisation.code,
        index_no=str(data.get("index_no") or ""),
        event=event,
        data={**data, "occurred_at": at.isoformat()},
    )
    if Dispatch.objects.filter(key=key).exists():
        return False  # relayed before: one delivery per event and endpoint
    channel_services.dispatch_enqueue(organisation=endpoint.organisation, target=endpoint, item=item, key=key)
    return True


def webhooks_relay(*, today: dt.date | None = None) -> int:
    """Turn the audit rows written since the last run, and newly overdue cases, into deliveries. Returns how many
    deliveries it created (a repeated run creates none for what it already relayed)."""
    endpoints = _endpoints()
    created = 0
    with transaction.atomic():
        relay, _ = WebhookRelay.objects.select_for_update().get_or_create(pk=1)
        last = relay.last_audit_id
        # Read up to the newest row that exists now: rows committed while this runs are for the next run (ids
        # become visible in order: audit writers extend the chain under one lock until they commit).
        ceiling = last_event_id()
        rows = list(
            AuditEvent.objects.filter(pk__gt=last, pk__lte=ceiling, action__in=list(EVENTS))
            .select_related("organisation")
            .order_by("id")[:BATCH]
        )
        for audit in rows:
            event = EVENTS[audit.action]
            organisation = audit.organisation
            if organisation is None:
                continue
            listening = [
                e
                for e in endpoints
                if organisation.path.startswith(e.organisation.path)
                and audit.pk > e.config.get("since_audit_id", 0)
            ]
            if not listening:
                continue
            data = _data(event, audit)
            for endpoint in listening:
                created += _enqueue(
                    endpoint,
                    event=event,
                    organisation=organisation,
                    data=data,
                    key=f"wh{endpoint.pk}-a{audit.pk}",
                    at=audit.at,
                )
        # With a full batch, the next run goes on after its last row; else everything up to now has been read.
        relay.last_audit_id = rows[-1].pk if len(rows) == BATCH else max(last, ceiling)
        relay.save(update_fields=["last_audit_id", "updated_at"])
    created += _relay_overdue(endpoints, today=today or timezone.localdate())
    return created


def _relay_overdue(endpoints: list[ChannelTarget], *, today: dt.date) -> int:
    created = 0
    listening = [e for e in endpoints if "application.overdue" in e.config.get("events", [])]
    for endpoint in listening:
        for row in application_queries.queue(
            organisation=endpoint.organisation, today=today, state="overdue"
        ):
            case = row.application
            data = _application_summary(case)
            with transaction.atomic():
                created += _enqueue(
                    endpoint,
                    event="application.overdue",
                    organisation=case.organisation,
                    data=data,
                    key=f"wh{endpoint.pk}-o{case.pk}-{data['due_date']}",
                    at=timezone.now(),
                )
    return created
