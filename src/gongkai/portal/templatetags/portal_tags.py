from django import template

from gongkai.core import pagecache
from gongkai.orgs.queries import responsible_organ
from gongkai.portal.nav import org_nav
from gongkai.portal.queries import present_sections

register = template.Library()


@register.inclusion_tag("portal/_org_nav.html", takes_context=True)
def org_menu(context, organisation):
    present = context.get("present_sections")
    if present is None:  # a page that did not read them already
        present = present_sections(organisation)
    section = context.get("section", "")
    # The same for every page of the column until the next publication or organisation edit: its six reverse()
    # calls were a tenth of an uncached catalog page's rendering (docs/performance.md).
    items = pagecache.remember(
        ("org_nav", organisation.pk, section, frozenset(present)),
        lambda: org_nav(organisation, section, present),
    )
    return {"items": items}


@register.simple_tag
def organ_of(organisation):
    """The organ that answers for a page's organisation (a village's township), for the footer's contact."""
    return responsible_organ(organisation) if hasattr(organisation, "is_village") else None
