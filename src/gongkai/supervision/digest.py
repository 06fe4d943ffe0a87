"""The weekly digest of the self-check, by e-mail to the staff of each organisation (admins, reviewers and clerks
holding a role on the organisation itself, with an e-mail address), and as markdown to the organisation's
work-group robots (企业微信/钉钉) through the channels outbox (`send_to_robots`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from gongkai.channels import services as channel_services
from gongkai.channels.adapters import Item
from gongkai.channels.adapters.robots import DIGEST_EVENT
from gongkai.channels.models import ChannelTarget, Dispatch, TargetKind
from gongkai.orgs.models import Membership, Role
from gongkai.supervision import rules

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


# ---- the work-group robots (企业微信/钉钉 群机器人) ------------------------------------------------------------------
# The same digest goes to the organisation's robots through the channels outbox (retries, the robots' 20-a-minute
# limit, the office's channel board). One send per organisation, robot and ISO week (the idempotency key): the
# weekly job run twice, or rerun after a failure, sends nothing twice.

ROBOT_KINDS = (TargetKind.WECOM_ROBOT, TargetKind.DINGTALK_ROBOT)


def iso_week(today: dt.date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def robot_key(organisation, target, today: dt.date) -> str:
    return f"digest-o{organisation.pk}-t{target.pk}-{iso_week(today)}"


def robot_targets(organisation) -> list:
    """The organisation's own robots that may send (enabled, not blocked)."""
    return list(
        ChannelTarget.objects.filter(
            organisation=organisation, kind__in=ROBOT_KINDS, enabled=True, blocked_at__isnull=True
        ).order_by("pk")
    )


def _absolute(path: str) -> str:
    return f"{(settings.SITE_URL or '').rstrip('/')}{path}"


def robot_markdown(organisation, findings, *, today: dt.date) -> str:
    """The digest as robot markdown: failing findings first, grouped by rule, each with its object and date, and a
    link to the office's self-check page (and the 我的待办 list)."""
    failing = [f for f in findings if f.level == rules.FAILING]
    office = _absolute(reverse("supervision_office:self_check"))
    lines = [
        f"### {organisation.display_name}政务公开自查（{today:%Y年%m月%d日}，{iso_week(today)}）",
        f"> 未通过 **{len(failing)}** 项，预警 **{len(findings) - len(failing)}** 项",
    ]
    for level, heading in ((rules.FAILING, "未通过"), (rules.WARNING, "预警")):
        group = [f for f in findings if f.level == level]
        if not group:
            continue
        lines += ["", f"**{heading}**"]
        by_rule: dict[str, list] = {}
        for f in group:
            by_rule.setdefault(f.label, []).append(f)
        for label, rows in by_rule.items():
            lines.append(f"- {label}（{len(rows)}）")
            for f in rows:
                verb = "已于" if level == rules.FAILING else "将于"
                lines.append(f"  - {f.subject}：{verb}{f.fails_on:%Y-%m-%d}未通过")
    lines += [
        "",
        f"[查看自查详情]({office}) · [我的待办]({_absolute(reverse('supervision_office:todo'))})",
    ]
    return "\n".join(lines)


def send_to_robots(organisation, findings, *, today: dt.date) -> int:
    """Queue this week's digest to each of the organisation's robots; returns how many were newly queued (0 when
    this week's were queued already)."""
    if not findings:
        return 0
    item = Item(
        id=organisation.pk,
        title=f"{organisation.display_name}政务公开自查周报（{iso_week(today)}）",
        url=_absolute(reverse("supervision_office:self_check")),
        organisation=organisation.name,
        organisation_code=organisation.code,
        body_text=robot_markdown(organisation, findings, today=today),
        event=DIGEST_EVENT,
        data={"week": iso_week(today), "findings": len(findings)},
    )
    queued = 0
    for target in robot_targets(organisation):
        key = robot_key(organisation, target, today)
        if Dispatch.objects.filter(key=key).exists():
            continue
        channel_services.dispatch_enqueue(organisation=organisation, target=target, item=item, key=key)
        queued += 1
    return queued
