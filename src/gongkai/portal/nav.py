"""The column menu of an organisation.

The portal's own sub-columns come first, in the order the conventions give them (政府信息公开指南,
政府信息公开制度, 法定主动公开内容, 政府信息公开年报); a sub-column with nothing the public may see is left out
(portal.queries.present_sections). Then come the entries each area app declares on its AppConfig as
`portal_nav = [(url name taking the organisation code, label, key), …]` — 依申请公开 (applications), and the
place where 互动交流 apps (留言咨询, 意见征集) add theirs — in INSTALLED_APPS order, for organs only. An entry with
a fourth element, the dotted path of `shown(organisation) -> bool`, appears on every column (a village's too)
where it answers True: 订阅短信提醒 (channels) only where the township has an SMS channel.

A village's column is its 村务公开 alone: a 村民委员会 is not an organ, it has no guide, takes no
applications and files no annual report (村民委员会组织法 Art. 30; reference/village-affairs.md).
"""

from django.apps import apps
from django.urls import reverse
from django.utils.module_loading import import_string

from gongkai.portal.queries import CATALOG, REPORTS, RULES

COLUMN = [
    ("portal:org_home", "专栏首页", "home", None),
    ("portal:guide", "政府信息公开指南", "guide", None),
    ("portal:rules", "政府信息公开制度", "rules", RULES),
    ("portal_catalog:catalog", "法定主动公开内容", "catalog", CATALOG),
    ("portal_catalog:reports", "政府信息公开年报", "reports", REPORTS),
]
VILLAGE_COLUMN = [
    ("portal:org_home", "村务公开", "home", None),
    ("portal_catalog:catalog", "全部村务公开信息", "catalog", CATALOG),
]


def _shown(check: str, organisation) -> bool:
    return import_string(check)(organisation)


def app_entries(organisation=None) -> list[tuple[str, str, str]]:
    """The apps' entries for `organisation`'s column: unconditional ones for organs, conditional ones (a fourth
    element naming `shown(organisation)`) wherever they are shown."""
    entries = []
    for config in apps.get_app_configs():
        for entry in getattr(config, "portal_nav", []):
            if len(entry) == 3:
                if organisation is None or not organisation.is_village:
                    entries.append(entry)
            elif organisation is not None and _shown(entry[3], organisation):
                entries.append(entry[:3])
    return entries


def org_nav(organisation, section: str, present: set[str]) -> list[dict]:
    """Menu entries (url, label, active) of the organisation's column; `present` names the sub-columns that
    have content."""
    if organisation.is_village:
        entries = [
            (n, label, key) for n, label, key, needs in VILLAGE_COLUMN if needs is None or needs in present
        ]
    else:
        entries = [(n, label, key) for n, label, key, needs in COLUMN if needs is None or needs in present]
    entries += app_entries(organisation)
    return [
        {"url": reverse(name, args=[organisation.code]), "label": label, "active": key == section}
        for name, label, key in entries
    ]
