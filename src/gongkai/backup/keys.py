"""Fingerprints of the keys a backup's data depends on (never the keys themselves).

A backup records them; a restore refuses an instance that lacks a key the data needs: without the field keys the
applicants' personal data cannot be decrypted, without the audit keys the audit log cannot be verified, without
the tracking key (or, while tracking codes are still derived from it, the SECRET_KEY) the codes applicants hold
no longer find their cases.
"""

from __future__ import annotations

import hashlib
import os

from django.conf import settings

# What each key protects, said when a restore target lacks it.
PURPOSES = {
    "field": ("GONGKAI_FIELD_KEYS", "申请人的个人信息（身份证号、电话、地址）将无法解密"),
    "audit": ("GONGKAI_AUDIT_KEYS", "审计日志将无法校验"),
    "tracking": ("GONGKAI_TRACKING_KEYS", "申请人手中的查询码将无法查到申请"),
    "secret_key": ("GONGKAI_SECRET_KEY", "申请人手中的查询码将无法查到申请，已登录的会话失效"),
}
TRACKING_ENV = "GONGKAI_TRACKING_KEYS"


def fingerprint(purpose: str, secret: str) -> str:
    return hashlib.sha256(f"gongkai-key-fingerprint:{purpose}:{secret}".encode()).hexdigest()[:16]


def _tracking_secrets() -> list[str]:
    configured = getattr(settings, "TRACKING_KEYS", None)
    if configured:
        return [str(k) for k in configured]
    raw = os.environ.get(TRACKING_ENV, "").strip()
    return [k.strip() for k in raw.split(",") if k.strip()]


def instance_fingerprints() -> dict[str, list[str]]:
    """purpose -> fingerprints of this instance's keys, newest first."""
    from gongkai.applications.crypto import configured_keys
    from gongkai.audit.keys import audit_keys

    result = {
        "field": [fingerprint("field", k) for k in configured_keys()],
        "audit": [key.key_id for key in audit_keys()],
        "secret_key": [fingerprint("secret_key", settings.SECRET_KEY)],
    }
    tracking = _tracking_secrets()
    if tracking:
        result["tracking"] = [fingerprint("tracking", k) for k in tracking]
    return result


def missing_keys(backup: dict[str, list[str]], instance: dict[str, list[str]]) -> list[str]:
    """Why the instance cannot take this backup's data: one sentence per missing key. Empty: it can."""
    problems = []
    # Tracking codes depend on the SECRET_KEY only where no dedicated tracking key exists.
    needed = ["field", "audit", "tracking"] + ([] if "tracking" in backup else ["secret_key"])
    for purpose in needed:
        absent = [fp for fp in backup.get(purpose, []) if fp not in instance.get(purpose, [])]
        if absent:
            variable, consequence = PURPOSES[purpose]
            problems.append(
                f"本实例的 {variable} 中缺少备份实例的密钥（指纹 {', '.join(absent)}）：恢复后{consequence}。"
                f"请先配置与备份实例相同的密钥再恢复"
            )
    return problems
