from django import template

from gongkai.portal.nav import org_nav

register = template.Library()


@register.inclusion_tag("portal/_org_nav.html", takes_context=True)
def org_menu(context, organisation):
    return {"items": org_nav(organisation, context.get("section", ""))}
