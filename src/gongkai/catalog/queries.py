"""Reads of proactive disclosure shared by the office, the portal and the annual report.

Report figures are aggregate SQL over an organisation's subtree (Organisation.path prefix) and a calendar
year, never Python loops over rows.
"""

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from gongkai.catalog.models import Attachment, CatalogArea, Disclosure, DocumentClass, Status
from gongkai.catalog.models import Kind as Kind  # re-exported: other apps read the catalog here
from gongkai.catalog.models import Validity as Validity  # re-exported, as Kind
from gongkai.orgs.models import Organisation
from gongkai.orgs.queries import belongs_to

COUNTED_STATUSES = (Status.PUBLISHED, Status.RETRACTED)  # published in the year, even if retracted since


def _year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def in_subtree(organisation: Organisation, *, include_children: bool = True) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(belongs_to(organisation, include_children=include_children))


def published_in_year(organisation: Organisation, year: int, *, include_children: bool = True):
    first, last = _year_bounds(year)
    return in_subtree(organisation, include_children=include_children).filter(
        status__in=COUNTED_STATUSES, published_on__gte=first, published_on__lte=last
    )


def table_a_documents(organisation: Organisation, year: int, *, include_children: bool = True) -> dict:
    """Table A, 第二十条第（一）项: {"rules": {...}, "normative_docs": {...}}, each with issued / repealed /
    in_force.

    - issued (本年制发): published in the year (retracted since included);
    - repealed (本年废止): repealed_on in the year;
    - in_force (现行有效): published on or before 31 December, still published, not repealed by then.
    """
    first, last = _year_bounds(year)
    base = in_subtree(organisation, include_children=include_children).filter(
        kind=Kind.DOCUMENT, document_class__in=[DocumentClass.RULE, DocumentClass.NORMATIVE]
    )
    rows = base.values("document_class").annotate(
        issued=Count(
            "id", filter=Q(status__in=COUNTED_STATUSES, published_on__gte=first, published_on__lte=last)
        ),
        repealed=Count("id", filter=Q(repealed_on__gte=first, repealed_on__lte=last)),
        in_force=Count(
            "id",
            filter=Q(status=Status.PUBLISHED, published_on__lte=last)
            & (Q(repealed_on__isnull=True) | Q(repealed_on__gt=last)),
        ),
    )
    out = {
        "rules": {"issued": 0, "repealed": 0, "in_force": 0},
        "normative_docs": {"issued": 0, "repealed": 0, "in_force": 0},
    }
    for row in rows:
        key = "rules" if row["document_class"] == DocumentClass.RULE else "normative_docs"
        out[key] = {"issued": row["issued"], "repealed": row["repealed"], "in_force": row["in_force"]}
    return out


def late_filter() -> Q:
    """Art. 26: published after the 20-working-day limit counted from 成文日期."""
    return Q(published_on__isnull=False, due_on__isnull=False, published_on__gt=F("due_on"))


def public_filter(now) -> Q:
    """What the public may see at `now` — the one definition (portal, search, feeds, exports, current 公示):
    published, with a publication date, and not scheduled for later (publish_at in the future)."""
    return Q(status=Status.PUBLISHED, published_on__isnull=False) & (
        Q(publish_at__isnull=True) | Q(publish_at__lte=now)
    )


def public_disclosures(organisation: Organisation | None = None, *, now=None) -> QuerySet[Disclosure]:
    """Items the public may see (public_filter), in `organisation`'s subtree when given."""
    qs = Disclosure.objects.filter(public_filter(now or timezone.now()))
    if organisation is not None:
        qs = qs.filter(organisation__path__startswith=organisation.path)
    return qs


def posting_state(disclosure: Disclosure, *, today=None) -> str | None:
    """ "current" / "ended" for a published 公示, None otherwise."""
    if disclosure.kind != Kind.POSTING or not disclosure.posting_ends_on:
        return None
    today = today or timezone.localdate()
    return "current" if disclosure.posting_ends_on >= today else "ended"


def review_queue(user, organisations) -> QuerySet[Disclosure]:
    """待审核 and 待审批 (not yet approved) items in the given organisations, oldest first."""
    return (
        Disclosure.objects.filter(organisation__in=organisations)
        .filter(Q(status=Status.SECRECY_REVIEW) | Q(status=Status.APPROVAL, approved_at__isnull=True))
        .select_related("organisation")
        .order_by("updated_at", "id")
    )


def interpretation_ids(disclosure: Disclosure) -> list[int]:
    """Ids of the 政策解读 of a document, whatever their status (filter them with public_disclosures)."""
    # Through the interprets_id index alone: with the public conditions in the same query, SQLite's statistics
    # (interprets_id is NULL almost everywhere) make it scan the whole table instead.
    return list(
        Disclosure.objects.filter(interprets_id=disclosure.pk).order_by().values_list("pk", flat=True)
    )


def catalog_areas() -> QuerySet[CatalogArea]:
    return CatalogArea.objects.all()


def item_attachment(disclosure: Disclosure, pk: int) -> Attachment | None:
    return Attachment.objects.filter(pk=pk, disclosure=disclosure).first()


def drafts_for_comment(organisation: Organisation) -> QuerySet[Disclosure]:
    """Published 征求意见稿 of the subtree: the drafts a 意见征集 (participation app) may be opened on."""
    return (
        public_disclosures(organisation).filter(kind=Kind.DRAFT_FOR_COMMENT).order_by("-published_on", "-id")
    )


# ---- the inspection self-check's reads (supervision app) ------------------------------------------------------


def last_published(organisation: Organisation, *, now=None) -> dict[str, datetime.date | None]:
    """The latest publication date of the organisation's own public items: per kind, and overall under ""."""
    from django.db.models import Max

    rows = (
        public_disclosures(now=now)
        .filter(organisation=organisation)
        .values("kind")
        .annotate(last=Max("published_on"))
        .order_by()
    )
    out: dict[str, datetime.date | None] = {row["kind"]: row["last"] for row in rows}
    out[""] = max((d for d in out.values() if d), default=None)
    return out


def last_published_titled(organisation: Organisation, word: str, *, now=None) -> datetime.date | None:
    """The latest public item of the organisation whose title holds `word` (村级财务 for the village rule)."""
    return (
        public_disclosures(now=now)
        .filter(organisation=organisation, title__contains=word)
        .order_by("-published_on")
        .values_list("published_on", flat=True)
        .first()
    )


def unpublished_with_due(
    organisation: Organisation, *, include_children: bool = False
) -> QuerySet[Disclosure]:
    """Items not yet published that carry an Art. 26 due date (drafts and items in review)."""
    return in_subtree(organisation, include_children=include_children).filter(
        status__in=(Status.DRAFT, Status.SECRECY_REVIEW, Status.APPROVAL), due_on__isnull=False
    )


def late_items_filter(today: datetime.date) -> Q:
    """Late under Art. 26: published after the due date this year, or still unpublished past it."""
    return (late_filter() & Q(published_on__year=today.year)) | Q(
        status__in=(Status.DRAFT, Status.SECRECY_REVIEW, Status.APPROVAL), due_on__lt=today
    )


def postings_ending(organisation: Organisation, first: datetime.date, last: datetime.date):
    """The organisation's public 公示 whose period ends between `first` and `last`."""
    return public_disclosures().filter(
        organisation=organisation, posting_ends_on__gte=first, posting_ends_on__lte=last
    )


def published_attachments(organisation: Organisation) -> QuerySet[Attachment]:
    """Attachments of the organisation's public items (the self-check looks for their files)."""
    return Attachment.objects.filter(
        disclosure__in=public_disclosures().filter(organisation=organisation)
    ).select_related("disclosure")


def published_bodies(organisation: Organisation) -> QuerySet[Disclosure]:
    """The organisation's public items with a body, newest first (the link checker reads their links)."""
    return (
        public_disclosures()
        .filter(organisation=organisation)
        .exclude(body="")
        .order_by("-published_on", "-id")
    )


def returned_drafts(user) -> QuerySet[Disclosure]:
    """Drafts of `user` (created by them) that a reviewer sent back and that wait for them again ("我的待办")."""
    from gongkai.catalog.models import DisclosureEvent

    sent_back = DisclosureEvent.objects.filter(
        to_status=Status.DRAFT, from_status__in=(Status.SECRECY_REVIEW, Status.APPROVAL)
    ).values("disclosure_id")
    return (
        Disclosure.objects.filter(created_by=user, status=Status.DRAFT, pk__in=sent_back)
        .select_related("organisation")
        .order_by("updated_at", "id")
    )
