"""What every HTTP adapter shares: one httpx client per call with a bounded timeout, and the mapping of transport
failures to the outbox's errors (a timeout after the request left is `DeliveryUnknown`: the far side may have
acted; a refused connection is a plain retry: nothing reached it)."""

from __future__ import annotations

import httpx

from gongkai.channels.adapters.base import DeliveryError, DeliveryUnknown


def retry_after_seconds(response: httpx.Response, default: float | None = None) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return default


def request(method: str, url: str, *, timeout: float, **kwargs) -> httpx.Response:
    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            return client.request(method, url, **kwargs)
    except httpx.ConnectError as exc:
        raise DeliveryError(f"无法连接 {httpx.URL(url).host}：{exc}") from exc
    except (httpx.TimeoutException, httpx.RemoteProtocolError, httpx.ReadError) as exc:
        if isinstance(exc, httpx.ConnectTimeout):
            raise DeliveryError(f"连接 {httpx.URL(url).host} 超时") from exc
        raise DeliveryUnknown(f"{httpx.URL(url).host} 未在 {timeout:g} 秒内答复，结果不明") from exc
