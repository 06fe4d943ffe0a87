from django.apps import apps
from django.urls import reverse

from gongkai.orgs import permissions as org_permissions
from gongkai.orgs.current import current_organisation
from gongkai.orgs.queries import tree_rows

FIRST = [("office:dashboard", "工作台", None)]
LAST = [
    ("office:organisations", "机构", None),
    ("office:staff", "人员与培训", None),
    ("office:funding", "专项经费", None),
    ("office:users", "用户与角色", "accounts"),
    ("office:audit", "审计日志", "audit"),
]


def office_nav_entries() -> list[tuple[str, str, str | None]]:
    """The office menu: the foundation's pages plus each area app's `office_nav` (declared on its AppConfig)."""
    areas = [entry for config in apps.get_app_configs() for entry in getattr(config, "office_nav", [])]
    return FIRST + areas + LAST


def office(request):
    if not request.path.startswith("/office/") or not request.user.is_authenticated:
        return {}
    organisation = current_organisation(request)
    if organisation is None:
        return {"office_orgs": [], "current_org": None, "office_nav": []}
    orgs = tree_rows(org_permissions.visible_organisations(request.user).only("id", "name", "path", "depth"))
    base_depth = min((o.depth for o in orgs), default=0)
    for org in orgs:
        org.indent = "　" * (org.depth - base_depth)
    allowed = {
        "manage": org_permissions.can_manage(request.user, organisation),
        "accounts": org_permissions.can_manage_accounts(request.user, organisation),
        "audit": org_permissions.can_read_audit(request.user, organisation),
    }
    nav = []
    for name, label, needs in office_nav_entries():
        if needs is not None and not allowed.get(needs, False):
            continue
        nav.append({"url": reverse(name), "label": label, "active": False})
    # The entry whose address is the longest prefix of this page is the current one.
    matches = [item for item in nav if request.path.startswith(item["url"]) and item["url"] != "/office/"]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    elif request.path == "/office/":
        nav[0]["active"] = True
    return {"office_orgs": orgs, "current_org": organisation, "office_nav": nav}
