"""Sending the reminder digest when the mail server may be down: bounded retries with backoff, and a report.

A temporary failure (connection refused or reset, timeout, an SMTP 4xx such as "451 try again later") is
retried up to GONGKAI_MAIL_RETRIES times (default 3 attempts) with exponential backoff from
GONGKAI_MAIL_RETRY_DELAY seconds (default 2: 2 s, 4 s, …). A permanent refusal (SMTP 5xx) is not retried.
Whatever happens, every recipient is tried and the caller learns who did not get their message.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

logger = logging.getLogger("gongkai.applications.mailing")

DEFAULT_ATTEMPTS = 3
DEFAULT_DELAY = 2.0


@dataclass
class Outcome:
    sent: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # address → why (last error)


def _smtp_code(exc: Exception) -> int | None:
    code = getattr(exc, "smtp_code", None)
    if code is None and isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _ in exc.recipients.values()]
        code = max(codes) if codes else None
    return code


def is_temporary(exc: Exception) -> bool:
    code = _smtp_code(exc)
    if code is not None:
        return 400 <= code < 500
    return isinstance(exc, (OSError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError))


def _describe(exc: Exception) -> str:
    code = _smtp_code(exc)
    return f"SMTP {code}" if code else f"{type(exc).__name__}: {exc}"


def send_all(messages: list[tuple[str, str, str]], *, sleep=time.sleep) -> Outcome:
    """Send (recipient, subject, body) messages one by one, retrying temporary failures; never raises for a
    mail failure."""
    attempts = max(1, int(getattr(settings, "GONGKAI_MAIL_RETRIES", DEFAULT_ATTEMPTS)))
    delay = float(getattr(settings, "GONGKAI_MAIL_RETRY_DELAY", DEFAULT_DELAY))
    outcome = Outcome()
    for recipient, subject, body in messages:
        for attempt in range(1, attempts + 1):
            try:
                message = EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[recipient],
                    connection=get_connection(fail_silently=False),
                )
                message.send(fail_silently=False)
            except (smtplib.SMTPException, OSError) as exc:
                why = _describe(exc)
                temporary = is_temporary(exc)
                logger.warning(
                    "digest to %s failed (attempt %d/%d, %s): %s",
                    recipient,
                    attempt,
                    attempts,
                    "temporary" if temporary else "permanent",
                    why,
                )
                if not temporary or attempt == attempts:
                    outcome.failed[recipient] = why
                    break
                sleep(delay * 2 ** (attempt - 1))
            else:
                outcome.sent.append(recipient)
                break
    return outcome


# ---- the applicant's receipts (Art. 31(3)) ---------------------------------------------------------------------


def _day(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def receipt_lines(*, organ_name: str, case_number: str, submitted_on, received_on, due_on) -> list[str]:
    """The receipt of an online application in plain words: the submission date, the receipt date once the organ
    has confirmed it (Art. 31(3)), and the due date (Art. 33: 20 working days from receipt). `received_on` and
    `due_on` are None while the organ has not confirmed it. The page after submitting and both e-mails say this."""
    lines = [f"申请编号：{case_number}", f"受理机关：{organ_name}", f"提交日期：{_day(submitted_on)}"]
    if received_on is None:
        lines += [
            "收到申请之日：待确认。通过互联网提交的申请，以本机关确认之日为收到申请之日"
            "（《中华人民共和国政府信息公开条例》第三十一条第（三）项）。",
            "答复期限：自收到申请之日起20个工作日（第三十三条），确认后告知。",
        ]
    else:
        lines.append(f"收到申请之日：{_day(received_on)}（本机关已确认收到）")
        if due_on is not None:
            lines.append(f"答复期限：{_day(due_on)}前（自收到申请之日起20个工作日，第三十三条）")
    return lines


def applicant_message(kind: str, *, email: str, lines: list[str], organ_name: str) -> tuple[str, str, str]:
    """(recipient, subject, body) of a receipt e-mail: kind "submitted" or "confirmed"."""
    if kind == "submitted":
        subject = f"{organ_name}：政府信息公开申请已提交"
        opening = "您的政府信息公开申请已通过网上提交。"
    else:
        subject = f"{organ_name}：已确认收到您的政府信息公开申请"
        opening = "本机关已确认收到您的政府信息公开申请。"
    closing = (
        "凭申请编号和查询码可在网站“申请查询”页面查看办理进度和答复书。查询码请妥善保管，本邮件不含查询码。"
    )
    return email, subject, "\n".join([opening, "", *lines, "", closing])


def send_to_applicant(message: tuple[str, str, str] | None) -> None:
    """Send one receipt after the commit; a mail failure is logged, never raised (the record stands)."""
    if message is None or not message[0]:
        return
    outcome = send_all([message])
    if outcome.failed:
        logger.warning("receipt to the applicant not sent: %s", "; ".join(outcome.failed.values()))
