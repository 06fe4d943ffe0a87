"""Writes of 依申请公开. Each function runs in one transaction, validates (raising `ApplicationError` with a
message fit to show), writes its `ApplicationEvent` where the clock is concerned, and one audit row.

Personal data (ID number, phone, address, e-mail) never enters an audit row in clear: `audit_view` masks it.
`actor=None` means the system itself (demo loader, management commands); every other actor is checked against
`applications.permissions`.

The writes are split by concern into the modules of this package:

- `intake`: the public form and the office's registration, case numbers, lookup codes, rate limits, tracking;
- `events`: `_record`, the one transition function, and one service per event kind after receipt; assignment;
- `retention`: retention periods, purge of personal data, key rotation, the audit of views in clear;
- `online`: the 确认收到 of an online application (Art. 31(3)) and its receipts, released files attached to a
  reply, the applicant's change of contact details;
- `files`: checking and storing the files attached to a reply or an online correction;
- `letter_templates`: an organisation's own wording of its letters;
- `letter_numbers`: the 发文字号 of letters and an organisation's letter settings;
- `common`: the domain error and the helpers they share.

This package re-exports every public name, so callers keep one import, ``from gongkai.applications import
services``, and call ``services.application_submit(...)`` without knowing which module holds it: views, the demo
loader, the commands and the tests of other apps need not change when a service moves between these modules.
Reads (`events_of`, `clock_of`) live in `applications.queries`.
"""

from gongkai.applications.services.common import ApplicationError, audit_view, identity_hash
from gongkai.applications.services.events import (
    CONSULTATION_EVENTS,
    EVENT_PERMISSIONS,
    application_answer_correction_online,
    application_archive,
    application_assign,
    application_close_consultation,
    application_decide,
    application_deem_abandoned,
    application_deliver,
    application_extend,
    application_open_consultation,
    application_receive_correction,
    application_record_fee_payment,
    application_request_correction,
    application_send_fee_notice,
    can_record,
    requests_earlier_in_month,
)
from gongkai.applications.services.files import (
    MAX_CORRECTION_BYTES,
    MAX_CORRECTION_FILES,
    MAX_RELEASED_BYTES,
    MAX_RELEASED_FILES,
)
from gongkai.applications.services.intake import (
    DUPLICATE_WINDOW_DAYS,
    LOOKUP_LENGTH,
    MAX_PROOF_BYTES,
    Applicant,
    RateLimited,
    Request,
    application_register,
    application_submit,
    case_prefix,
    find_for_tracking,
    lookup_hash,
    new_lookup_code,
    normalise_description,
)
from gongkai.applications.services.letter_numbers import (
    letter_number_issue,
    letter_settings_save,
    number_prefix,
)
from gongkai.applications.services.letter_templates import letter_template_save
from gongkai.applications.services.online import (
    application_attach_released_files,
    application_confirm_receipt,
    application_mail_submission_receipt,
    application_update_contact,
    receipt_lines,
    submitted_on,
)
from gongkai.applications.services.retention import (
    ANONYMISED_NAME,
    RETENTION_DEFAULT_YEARS,
    personal_data_purge,
    record_personal_data_view,
    retention_years,
    rotate_field_keys,
)

__all__ = [
    "ANONYMISED_NAME",
    "CONSULTATION_EVENTS",
    "DUPLICATE_WINDOW_DAYS",
    "EVENT_PERMISSIONS",
    "LOOKUP_LENGTH",
    "MAX_CORRECTION_BYTES",
    "MAX_CORRECTION_FILES",
    "MAX_PROOF_BYTES",
    "MAX_RELEASED_BYTES",
    "MAX_RELEASED_FILES",
    "RETENTION_DEFAULT_YEARS",
    "Applicant",
    "ApplicationError",
    "RateLimited",
    "Request",
    "application_answer_correction_online",
    "application_archive",
    "application_assign",
    "application_attach_released_files",
    "application_close_consultation",
    "application_confirm_receipt",
    "application_decide",
    "application_deem_abandoned",
    "application_deliver",
    "application_extend",
    "application_mail_submission_receipt",
    "application_open_consultation",
    "application_receive_correction",
    "application_record_fee_payment",
    "application_register",
    "application_request_correction",
    "application_send_fee_notice",
    "application_submit",
    "application_update_contact",
    "audit_view",
    "can_record",
    "case_prefix",
    "find_for_tracking",
    "identity_hash",
    "letter_number_issue",
    "letter_settings_save",
    "letter_template_save",
    "lookup_hash",
    "new_lookup_code",
    "normalise_description",
    "number_prefix",
    "personal_data_purge",
    "receipt_lines",
    "record_personal_data_view",
    "requests_earlier_in_month",
    "retention_years",
    "rotate_field_keys",
    "submitted_on",
]
