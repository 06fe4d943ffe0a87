"""Reads shared by views and the annual report: aggregate SQL over an organisation subtree and a year."""

from decimal import Decimal

from django.db.models import Count, Q, Sum

from gongkai.orgs.models import Duty, Funding, Organisation, OrgKind, StaffMember


def belongs_to(organisation: Organisation, *, include_children: bool = True, via: str = "organisation") -> Q:
    """Records whose organisation (reached through the field path `via`) is `organisation`, or with
    `include_children` any organisation of its subtree (one prefix match on the materialised path)."""
    if include_children:
        return Q(**{f"{via}__path__startswith": organisation.path})
    return Q(**{via: organisation})


def subtree(organisation: Organisation, *, include_children: bool = True):
    if include_children:
        return Organisation.objects.filter(path__startswith=organisation.path)
    return Organisation.objects.filter(pk=organisation.pk)


def staff_counts(organisation: Organisation, year: int, *, include_children: bool = True) -> dict[str, int]:
    """People in disclosure work in the year: total, 专职, 兼职 (the report's 机构建设 figures)."""
    rows = StaffMember.objects.filter(
        organisation__in=subtree(organisation, include_children=include_children), year=year
    ).aggregate(
        total=Count("id"),
        full_time=Count("id", filter=Q(duty=Duty.FULL_TIME)),
        part_time=Count("id", filter=Q(duty=Duty.PART_TIME)),
    )
    return {key: value or 0 for key, value in rows.items()}


def funding_total_wan(organisation: Organisation, year: int, *, include_children: bool = True) -> Decimal:
    total = Funding.objects.filter(
        organisation__in=subtree(organisation, include_children=include_children), year=year
    ).aggregate(total=Sum("amount_wan"))["total"]
    return (total or Decimal("0")).quantize(Decimal("0.01"))


def tree_rows(organisations) -> list[Organisation]:
    """Organisations in tree order (parents before children) for an indented list."""
    return sorted(organisations, key=lambda o: [int(p) for p in o.path.strip("/").split("/") if p])


def public_organisation(code: str) -> Organisation | None:
    """An organisation by its code, as the public pages show it (parent and disclosure office loaded). The code is
    unique, so `.get()`: `.first()` would compile the model's ORDER BY for one row."""
    try:
        return Organisation.objects.select_related("parent", "disclosure_office").get(code=code)
    except Organisation.DoesNotExist:
        return None


def home_organisations():
    """The platform's organisations for the public home page: the tree without villages and communities."""
    return Organisation.objects.exclude(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by("path")


def villages_of(organisation: Organisation):
    return organisation.children.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by(
        "sort_order", "id"
    )


def other_children_of(organisation: Organisation):
    return organisation.children.exclude(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by(
        "sort_order", "id"
    )


def responsible_organ(organisation: Organisation) -> Organisation:
    """The organ that answers for an organisation: itself, or for a village (a self-governing 村民委员会, not an
    administrative organ: 村民委员会组织法, reference/village-affairs.md) the township above it, which receives
    the applications and questions about the village."""
    if organisation.is_village and organisation.parent_id:
        return organisation.parent
    return organisation
