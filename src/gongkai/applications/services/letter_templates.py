"""An organisation's own wording of its letters (`letters` renders them)."""

from __future__ import annotations

from django.db import transaction

from gongkai.applications import permissions as perms
from gongkai.applications.letters import check_template
from gongkai.applications.models import LetterKind, LetterTemplate
from gongkai.applications.services.common import ApplicationError, _require
from gongkai.audit.services import audit_record, snapshot


def letter_template_save(*, organisation, actor, kind: str, body: str) -> LetterTemplate:
    """An organisation's own wording of a letter (Django template syntax with Chinese placeholders)."""
    _require(actor, perms.can_edit_templates(actor, organisation), "只有管理员可以修改文书模板")
    if kind not in LetterKind.values:
        raise ApplicationError("未知的文书类型", field="kind")
    body = (body or "").strip()
    if not body:
        raise ApplicationError("模板内容不能为空", field="body")
    check_template(body)
    with transaction.atomic():
        template = (
            LetterTemplate.objects.select_for_update().filter(organisation=organisation, kind=kind).first()
        )
        before = snapshot(template) if template else None
        if template is None:
            template = LetterTemplate(organisation=organisation, kind=kind)
        template.body = body
        template.save()
        audit_record(
            actor=actor or "系统",
            action="applications.letter_template_save",
            obj=template,
            before=before,
            after=snapshot(template),
        )
    return template
