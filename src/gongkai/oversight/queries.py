"""Reads of oversight records. Table C itself is counted in applications.queries.table_c."""

from gongkai.orgs.queries import belongs_to
from gongkai.oversight.models import Complaint, Remedy


def complaints_in(organisation, year: int | None = None, *, include_children: bool = True):
    qs = Complaint.objects.filter(belongs_to(organisation, include_children=include_children)).select_related(
        "organisation"
    )
    if year:
        qs = qs.filter(received_on__year=year)
    return qs


def remedies_in(organisation, year: int | None = None):
    qs = Remedy.objects.filter(organisation__path__startswith=organisation.path).select_related(
        "organisation", "application"
    )
    if year:
        qs = qs.filter(filed_on__year=year)
    return qs


def complaint_count(organisation, year: int, *, include_children: bool = True) -> int:
    return complaints_in(organisation, year, include_children=include_children).count()
