"""Signed checkpoints of the audit chain, kept outside the database.

A checkpoint states, at one moment, how many rows the log held, its first row (and the hash it follows) and its
last row and hash, and up to which id rows were still unkeyed (version 1). It is signed with the newest audit key
(HMAC-SHA256), so someone with write access to the database but not the key can neither forge one nor rewrite
the log to match one. `gongkai audit checkpoint` appends one JSON line to settings.AUDIT_CHECKPOINT_FILE and,
when settings.AUDIT_SYSLOG_ADDRESS is set, sends the same line to syslog (ideally a remote collector: a copy the
database's administrator cannot reach). `gongkai audit verify` compares the log with every checkpoint.
"""

from __future__ import annotations

import hmac
import json
import socket
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings

from gongkai.audit.keys import key_by_id, signing_key

FORMAT = "gongkai-audit-checkpoint/1"
SYSLOG_TAG = "gongkai-audit-checkpoint"


@dataclass
class Checkpoint:
    at: str
    count: int
    first_id: int
    first_prev_hash: str
    last_id: int
    last_hash: str
    legacy_until: int  # the last version-1 (unkeyed) row; rows after it must be keyed
    key_id: str = ""
    sig: str = ""
    format: str = FORMAT
    line: int = field(default=0, compare=False)  # where it was read from (not signed)

    def signed_content(self) -> str:
        data = asdict(self)
        for name in ("sig", "line"):
            data.pop(name)
        return "gongkai-audit-checkpoint:" + json.dumps(data, sort_keys=True, separators=(",", ":"))

    def sign(self) -> Checkpoint:
        key = signing_key()
        self.key_id = key.key_id
        self.sig = key.sign(self.signed_content())
        return self

    def signature_problem(self) -> str | None:
        """None when the signature holds; otherwise why not."""
        key = key_by_id(self.key_id)
        if key is None:
            return f"签名密钥 {self.key_id or '（无）'} 未配置，无法校验"
        if not _same(key.sign(self.signed_content()), self.sig):
            return "签名无效：检查点被篡改或伪造"
        return None

    def to_line(self) -> str:
        data = asdict(self)
        data.pop("line")
        return json.dumps(data, sort_keys=True, separators=(",", ":"))


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), (b or "").encode())


@dataclass
class CheckpointFile:
    checkpoints: list[Checkpoint]
    problems: list[str]  # lines that are not valid signed checkpoints
    unverifiable: list[str] = field(default_factory=list)  # lines signed with a key no longer configured


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def read_checkpoints(path: Path | None = None) -> CheckpointFile:
    """Every line of the file: the valid checkpoints, and a problem for each line that is not one."""
    path = path or checkpoint_path()
    result = CheckpointFile([], [])
    if not path.exists():
        return result
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                data = json.loads(text)
                if data.get("format") != FORMAT:
                    raise ValueError
                checkpoint = Checkpoint(**data, line=number)
            except (ValueError, TypeError):
                result.problems.append(f"检查点文件第 {number} 行无法读取")
                continue
            if key_by_id(checkpoint.key_id) is None:
                # Signed with a key since retired: it proves nothing now, and forging one proves nothing either.
                result.unverifiable.append(
                    f"检查点文件第 {number} 行的签名密钥 {checkpoint.key_id} 未配置，已跳过"
                )
                continue
            problem = checkpoint.signature_problem()
            if problem:
                result.problems.append(f"检查点文件第 {number} 行{problem}")
            else:
                result.checkpoints.append(checkpoint)
    return result


def append_checkpoint(checkpoint: Checkpoint, *, path: Path | None = None) -> None:
    path = path or checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = checkpoint.to_line()
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
        handle.flush()


SYSLOG_PRIORITY = 4 * 8 + 6  # facility auth (4), severity info (6): RFC 5424 section 6.2.1


def send_to_syslog(line: str, address: str) -> None:
    """Send one line to syslog: `/dev/log` (a local socket) or `host:port` (UDP). Raises OSError on failure."""
    message = f"<{SYSLOG_PRIORITY}>{SYSLOG_TAG}: {line}".encode()
    if address.startswith("/"):
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.sendto(message, address)
        return
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"syslog 地址应为 /dev/log 或 主机:端口，收到 {address!r}")
    with socket.socket(
        socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET, socket.SOCK_DGRAM
    ) as sock:
        sock.sendto(message, (host.strip("[]"), int(port)))
