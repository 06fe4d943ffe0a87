"""Reads of key works, shared by the office, the portal, the township dashboard, the county board and the annual
report. The public sees only works marked public and, in them, only items the public may see
(catalog.queries.public_filter).

The timeline of a work is built in a fixed number of queries (work, stages, links with their items), whatever
the number of stages and items.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gongkai.catalog.queries import COUNTED_STATUSES, public_filter
from gongkai.keyworks import rules
from gongkai.keyworks.models import KeyWork, StageItem, WorkKind, WorkStage
from gongkai.orgs.models import Organisation, OrgKind
from gongkai.search.queries import clean_query
from gongkai.search.tokens import highlight, normalize
from gongkai.workdays.calendar import WorkCalendar

CURRENT_LIMIT = 20
SEARCH_LIMIT = 10


@dataclass
class StageRow:
    stage: WorkStage
    items: list  # catalog.Disclosure, oldest first
    expected: rules.Expected
    state: rules.State

    @property
    def state_label(self) -> str:
        return rules.STATE_LABELS[self.state]

    @property
    def is_gap(self) -> bool:
        return self.state in rules.GAPS


@dataclass
class Timeline:
    work: KeyWork
    stages: list[StageRow] = field(default_factory=list)

    @property
    def gaps(self) -> list[StageRow]:
        return [row for row in self.stages if row.is_gap]

    @property
    def item_count(self) -> int:
        return sum(len(row.items) for row in self.stages)


# ---- kinds ---------------------------------------------------------------------------------------------------


def kinds_for(organisation: Organisation) -> list[WorkKind]:
    """The kinds an organisation may use: the defaults, replaced by the nearest customised copy of the same code
    (its own, else an ancestor's)."""
    ancestors = organisation.ancestor_ids()
    depth = {org_id: n for n, org_id in enumerate(ancestors)}
    chosen: dict[str, WorkKind] = {}
    kinds = WorkKind.objects.filter(Q(organisation__isnull=True) | Q(organisation_id__in=ancestors))
    for kind in sorted(kinds, key=lambda k: -1 if k.organisation_id is None else depth[k.organisation_id]):
        chosen[kind.code] = kind  # deeper organisations come later and win
    return sorted(chosen.values(), key=lambda k: (k.sort_order, k.pk))


# ---- timelines -----------------------------------------------------------------------------------------------


def _work_ended(work: KeyWork, today: datetime.date) -> bool:
    return work.ends_on is not None and work.ends_on < today


def _timelines(
    works: list[KeyWork], *, today, calendar: WorkCalendar, public: bool, now=None
) -> list[Timeline]:
    links = StageItem.objects.select_related("disclosure", "disclosure__organisation").order_by(
        "disclosure__published_on", "disclosure__id"
    )
    if public:
        links = links.filter(_public_item(now or timezone.now()))
    # Read apart from the works (not prefetched onto them): a work read for staff, then for the public, must not
    # show the public the staff's items from a cached prefetch.
    by_work: dict[int, list[WorkStage]] = {}
    for stage in WorkStage.objects.filter(work__in=works).prefetch_related(Prefetch("links", queryset=links)):
        by_work.setdefault(stage.work_id, []).append(stage)
    out = []
    for work in works:
        timeline = Timeline(work)
        for stage in by_work.get(work.pk, []):
            items = [link.disclosure for link in stage.links.all()]
            published = [d.published_on for d in items if d.published_on and d.status in COUNTED_STATUSES]
            expected = rules.expected(
                rule=stage.rule,
                days=stage.rule_days,
                planned_on=stage.planned_on,
                completed_on=work.completed_on,
                calendar=calendar,
            )
            state = rules.state(
                not_applicable=stage.not_applicable,
                expected_on=expected.on,
                first_published_on=min(published, default=None),
                work_ended=_work_ended(work, today),
                today=today,
            )
            timeline.stages.append(StageRow(stage, items, expected, state))
        out.append(timeline)
    return out


def _public_item(now) -> Q:
    """catalog.queries.public_filter, seen from a StageItem."""
    condition = public_filter(now)
    return _prefixed(condition, "disclosure__")


def _prefixed(condition: Q, prefix: str) -> Q:
    q = Q()
    q.connector, q.negated = condition.connector, condition.negated
    for child in condition.children:
        q.children.append(_prefixed(child, prefix) if isinstance(child, Q) else (prefix + child[0], child[1]))
    return q


def timeline(work: KeyWork, *, today: datetime.date, calendar: WorkCalendar, public: bool) -> Timeline:
    """The work stage by stage: its items (the public ones only when `public`), expected dates and states."""
    return _timelines([work], today=today, calendar=calendar, public=public)[0]


def public_work(code: str, pk: int) -> KeyWork | None:
    """A public key work of the organisation with this code (the public page's address), or None."""
    return (
        KeyWork.objects.select_related("organisation", "kind")
        .prefetch_related("villages")
        .filter(pk=pk, organisation__code=code, is_public=True)
        .first()
    )


def public_works(organisation: Organisation) -> QuerySet[KeyWork]:
    """Public key works of an organisation, and those of its parent township that span it (a village's page)."""
    scope = Q(organisation__path__startswith=organisation.path) | Q(villages=organisation)
    return (
        KeyWork.objects.filter(scope, is_public=True)
        .select_related("organisation", "kind")
        .distinct()
        .order_by("-starts_on", "-id")
    )


def current_works(organisation: Organisation, *, today: datetime.date | None = None) -> list[KeyWork]:
    """The column's list: public works not yet ended on `today` (no end date, or ending today or later)."""
    today = today or timezone.localdate()
    works = public_works(organisation).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    return list(works[:CURRENT_LIMIT])


def work_of_item(disclosure) -> KeyWork | None:
    """The public key work a catalog item belongs to, for the item page's link back (None if none)."""
    # Most items belong to no key work: a bare id read first (a select_related query costs ~1.5 ms more of ORM
    # compiling on every item page, docs/performance.md), the stage and its work only when there is one.
    stage_ids = list(
        StageItem.objects.filter(disclosure_id=disclosure.pk, stage__work__is_public=True)
        .order_by("id")  # the first link, as .first() took it (StageItem.Meta.ordering)
        .values_list("stage_id", flat=True)[:1]
    )
    if not stage_ids:
        return None
    stage = WorkStage.objects.select_related("work__organisation").get(pk=stage_ids[0])
    work = stage.work
    work.item_stage = stage  # the stage the item is in, for the link's wording
    return work


@dataclass
class WorkHit:
    work: KeyWork
    title_html: str


def works_matching(q: str | None, *, organisation: Organisation | None = None) -> list[WorkHit]:
    """Public key works whose title holds every word of the query, as the search page reads it (the search app's
    query cleaning, normalising and highlighting). Key works are few per organisation, so the title is matched
    directly rather than indexed."""
    q = clean_query(q)
    words = [w for w in normalize(q).split() if w]
    if not words:
        return []
    works = KeyWork.objects.filter(is_public=True).select_related("organisation")
    if organisation is not None:
        works = works.filter(organisation__path__startswith=organisation.path)
    for word in words:
        works = works.filter(title__icontains=word)
    hits = [
        w
        for w in works.order_by("-starts_on", "-id")[: SEARCH_LIMIT * 3]
        if all(x in normalize(w.title) for x in words)
    ]
    return [WorkHit(work, highlight(work.title, q, width=200)) for work in hits[:SEARCH_LIMIT]]


# ---- office, dashboard, county board ----------------------------------------------------------------------


def works_in(organisation: Organisation) -> QuerySet[KeyWork]:
    """Every key work of the organisation's subtree (office)."""
    return (
        KeyWork.objects.filter(organisation__path__startswith=organisation.path)
        .select_related("organisation", "kind", "responsible")
        .order_by("-starts_on", "-id")
    )


def office_timelines(
    organisation: Organisation, *, today: datetime.date, calendar: WorkCalendar
) -> list[Timeline]:
    return _timelines(list(works_in(organisation)), today=today, calendar=calendar, public=False)


def works_with_gaps(
    organisation: Organisation, today: datetime.date, calendar: WorkCalendar
) -> list[Timeline]:
    """The key works of the subtree with a late or missing stage (rules.GAPS), each with its stages.

    Only published items close a stage: a draft linked to a stage does not. For the township dashboard and the
    inspection self-check."""
    works = list(works_in(organisation))
    return [t for t in _timelines(works, today=today, calendar=calendar, public=True) if t.gaps]


def gap_counts_by_child(
    parent: Organisation, today: datetime.date, calendar_for: Callable[[Organisation], WorkCalendar]
) -> list[dict]:
    """For the county board: each township (or subdistrict) below `parent` with its key works and how many of them
    have a gap. `calendar_for` gives each township's calendar (workdays.queries.calendar_for)."""
    rows = []
    children = parent.children.filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).order_by(
        "sort_order", "id"
    )
    for child in children:
        works = list(works_in(child))
        gaps = [
            t for t in _timelines(works, today=today, calendar=calendar_for(child), public=True) if t.gaps
        ]
        rows.append({"organisation": child, "works": len(works), "with_gaps": len(gaps), "timelines": gaps})
    return rows


# ---- the annual report --------------------------------------------------------------------------------------


def published_items_by_stage(
    organisation: Organisation, year: int, *, include_children: bool = True
) -> list[tuple[KeyWork, list[tuple[WorkStage, list]]]]:
    """For the report's 重点领域 narrative: each key work of the organisation (and its subtree) that had items
    published in `year`, with those items per stage (published in the year, retracted since included, as the
    report counts them)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    scope = (
        Q(stage__work__organisation__path__startswith=organisation.path)
        if include_children
        else Q(stage__work__organisation=organisation)
    )
    links = (
        StageItem.objects.filter(
            scope,
            disclosure__status__in=COUNTED_STATUSES,
            disclosure__published_on__gte=first,
            disclosure__published_on__lte=last,
        )
        .select_related("stage__work", "disclosure")
        .order_by(
            "stage__work__starts_on",
            "stage__work_id",
            "stage__sort_order",
            "stage_id",
            "disclosure__published_on",
        )
    )
    out: list[tuple[KeyWork, list[tuple[WorkStage, list]]]] = []
    for link in links:
        work, stage = link.stage.work, link.stage
        if not out or out[-1][0].pk != work.pk:
            out.append((work, []))
        stages = out[-1][1]
        if not stages or stages[-1][0].pk != stage.pk:
            stages.append((stage, []))
        stages[-1][1].append(link.disclosure)
    return out
