from gongkai.orgs.models import Organisation, OrgKind


def public_organisation(code: str) -> Organisation | None:
    return Organisation.objects.select_related("parent", "disclosure_office").filter(code=code).first()


def home_organisations():
    """The platform's organisations for the home page: the tree down to townships, departments below a county."""
    return Organisation.objects.exclude(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by("path")


def villages_of(organisation: Organisation):
    return organisation.children.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by(
        "sort_order", "id"
    )


def other_children_of(organisation: Organisation):
    return organisation.children.exclude(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]).order_by(
        "sort_order", "id"
    )
