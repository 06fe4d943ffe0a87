"""Request signing of the SMS and robot APIs, each tested against its vendor's published worked example
(tests/channels/test_signing.py). Pure functions: the time and the nonce are passed in."""

from __future__ import annotations

import base64
import hashlib
import hmac
import urllib.parse


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _percent(value: str) -> str:
    return urllib.parse.quote(value, safe="-_.~")


def acs3_headers(
    *,
    access_key_id: str,
    access_key_secret: str,
    method: str,
    host: str,
    action: str,
    version: str,
    date: str,  # yyyy-MM-ddTHH:mm:ssZ, UTC
    nonce: str,
    query: dict[str, str] | None = None,
    body: bytes = b"",
    path: str = "/",
) -> dict[str, str]:
    """Aliyun's V3 signature (ACS3-HMAC-SHA256): the headers to send, Authorization included.

    CanonicalRequest = method \\n URI \\n sorted percent-encoded query \\n lower-case headers (host and x-acs-*)
    \\n their names joined by ; \\n hex SHA-256 of the body; Signature = hex HMAC-SHA256(secret,
    "ACS3-HMAC-SHA256\\n" + hex SHA-256 of the canonical request)."""
    hashed_body = _sha256_hex(body)
    headers = {
        "host": host,
        "x-acs-action": action,
        "x-acs-content-sha256": hashed_body,
        "x-acs-date": date,
        "x-acs-signature-nonce": nonce,
        "x-acs-version": version,
    }
    signed = sorted(headers)
    canonical_query = "&".join(f"{_percent(k)}={_percent(str(v))}" for k, v in sorted((query or {}).items()))
    canonical = "\n".join(
        [
            method.upper(),
            path,
            canonical_query,
            "".join(f"{name}:{headers[name].strip()}\n" for name in signed),
            ";".join(signed),
            hashed_body,
        ]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + _sha256_hex(canonical.encode())
    signature = hmac.new(access_key_secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"ACS3-HMAC-SHA256 Credential={access_key_id},SignedHeaders={';'.join(signed)},Signature={signature}"
    )
    return headers


def tc3_authorization(
    *,
    secret_id: str,
    secret_key: str,
    service: str,
    host: str,
    timestamp: int,
    payload: bytes,
    content_type: str = "application/json; charset=utf-8",
    action: str = "",
    signed_headers: tuple[str, ...] = ("content-type", "host"),
) -> str:
    """Tencent Cloud's TC3-HMAC-SHA256 Authorization header for a POST of `payload`.

    The canonical request signs content-type and host (and x-tc-action when listed); the key is derived by
    HMAC-SHA256 over the UTC date, the service and "tc3_request" from "TC3" + secret_key."""
    import datetime

    date = datetime.datetime.fromtimestamp(timestamp, datetime.UTC).strftime("%Y-%m-%d")
    values = {"content-type": content_type, "host": host, "x-tc-action": action.lower()}
    canonical_headers = "".join(f"{name}:{values[name]}\n" for name in signed_headers)
    signed = ";".join(signed_headers)
    canonical = "\n".join(["POST", "/", "", canonical_headers, signed, _sha256_hex(payload)])
    scope = f"{date}/{service}/tc3_request"
    to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope, _sha256_hex(canonical.encode())])
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={signed}, Signature={signature}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk robot signature: urlencode(base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))
