"""Letters as each reader may see them, and the audit of every download.

A letter names the applicant (``{{ 申请人 }}``). Staff whose role may see the applicant's personal data
(permissions.can_see_personal_data: 经办人、审核人、管理员 of the handling organisation) and the applicant, who
tracks the case with the code only they received, get the name in clear; every other role that may open the
case (村级信息员、只读) gets it masked as on the case page (privacy.mask.mask_name; the name of a 法人或其他组织
is not personal data and stays). Each download writes `applications.letter_download` with the kind, format
and whether the name was in clear.
"""

from __future__ import annotations

import copy

from gongkai.applications import letters, services
from gongkai.applications import permissions as perms
from gongkai.audit.services import audit_record
from gongkai.privacy.mask import mask_name

APPLICANT = "申请人（查询码）"


def name_in_clear(user, application, *, applicant: bool = False) -> bool:
    if applicant or application.is_organisation:
        return True
    return perms.can_see_personal_data(user, application)


def render_for(user, application, kind: str, *, applicant: bool = False) -> letters.Letter:
    """The letter with only the personal data this reader may see (LetterError when not available). A letter
    whose event came in without a 发文字号 (imported history) gets its number now, once."""
    letters.letter_context(application, kind)  # LetterError before the step that issues it
    services.letter_number_issue(application=application, kind=kind)
    if name_in_clear(user, application, applicant=applicant):
        return letters.render_letter(application, kind)
    shown = copy.copy(application)  # the same row, the name masked; nothing is saved
    shown.applicant_name = mask_name(application.applicant_name)
    return letters.render_letter(shown, kind)


def record_download(
    user, application, kind: str, fmt: str, *, applicant: bool = False, ip_address=None
) -> None:
    audit_record(
        actor=APPLICANT if applicant else user,
        action="applications.letter_download",
        obj=application,
        after={
            "case_number": application.case_number,
            "kind": kind,
            "format": fmt,
            "name": "clear" if name_in_clear(user, application, applicant=applicant) else "masked",
        },
        ip_address=ip_address,
    )
