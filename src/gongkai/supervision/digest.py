"""The weekly digest of the self-check, by e-mail to the staff of each organisation (admins, reviewers and clerks
holding a role on the organisation itself, with an e-mail address)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail

from gongkai.orgs.models import Membership, Role

logger = logging.getLogger("gongkai.supervision.digest")
RESPONSIBLE_ROLES = (Role.ADMIN, Role.REVIEWER, Role.CLERK, Role.VILLAGE_CLERK)


def recipients(organisation) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                organisation=organisation, role__in=RESPONSIBLE_ROLES, user__is_active=True
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def body(organisation, findings, *, today: dt.date) -> str:
    lines = [f"{organisation.name}政务公开自查（{today:%Y年%m月%d日}）", ""]
    for f in findings:
        lines.append(
            f"[{f.level_label}] {f.label}：{f.subject}，{'已于' if f.level == 'failing' else '将于'}"
            f"{f.fails_on:%Y年%m月%d日}未通过"
        )
    return "\n".join(lines)


def send(organisation, findings, *, today: dt.date) -> int:
    to = recipients(organisation)
    if not to:
        return 0
    subject = f"【政务公开自查】{organisation.display_name}：{len(findings)}项待处理"
    try:
        send_mail(subject, body(organisation, findings, today=today), settings.DEFAULT_FROM_EMAIL, to)
    except Exception:  # one organisation's mail failure must not stop the others' digests
        logger.exception("self-check digest to %s failed", organisation.code)
        return 0
    return len(to)
