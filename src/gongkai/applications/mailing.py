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
