"""Streaming encryption of backup archives: AES-256-GCM in 1 MiB chunks (the STREAM construction).

GONGKAI_BACKUP_KEY is 32 random bytes in URL-safe base64 (`gongkai backup --generate-key`). An encrypted archive
is:

    header  = MAGIC (8 bytes) + key id (16 ASCII hex digits) + nonce prefix (7 random bytes)
    chunks  = [4-byte big-endian length][ciphertext + 16-byte tag], ...

Chunk i is sealed with nonce = prefix + i (4 bytes) + last-flag (1 byte) and the header as associated data, so a
reordered, dropped, truncated or appended chunk, or an edited header, fails to open; the last chunk (possibly
empty) carries the flag, so a cut-off file is told apart from a whole one. Nothing is held in memory beyond one
chunk: archives of any size stream through.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

ENV_VAR = "GONGKAI_BACKUP_KEY"
MAGIC = b"GKBAK\x00\x01\n"
CHUNK = 1024 * 1024
TAG = 16
HEADER_SIZE = len(MAGIC) + 16 + 7


class BackupKeyError(Exception):
    """The archive cannot be opened with the configured key, or was changed."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def parse_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text.strip().encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise BackupKeyError(
            f"{ENV_VAR} 应为 32 字节的 URL 安全 base64 密钥（gongkai backup --generate-key 生成）"
        )
    return key


def configured_key() -> bytes | None:
    raw = os.environ.get(ENV_VAR, "").strip()
    return parse_key(raw) if raw else None


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"gongkai-backup-key-id:" + key).hexdigest()[:16]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object that encrypts into `sink`. close() seals the last chunk (it does not close sink)."""

    def __init__(self, sink, key: bytes):
        self.sink = sink
        self.aead = AESGCM(key)
        self.prefix = os.urandom(7)
        self.header = MAGIC + key_id(key).encode() + self.prefix
        self.buffer = bytearray()
        self.counter = 0
        self.closed = False
        sink.write(self.header)

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) > CHUNK:  # keep at least one byte back: the last chunk is sealed at close()
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        if self.counter >= 2**32 - 1:
            raise BackupKeyError("备份过大：超过单个加密流的块数上限")
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, last), plain, self.header)
        self.sink.write(struct.pack(">I", len(sealed)) + sealed)
        self.counter += 1

    def flush(self) -> None:
        self.sink.flush()

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self.buffer), last=True)
            self.buffer.clear()
            self.closed = True
            self.sink.flush()


def is_encrypted(path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


class DecryptingReader:
    """A read-only file object over an encrypted archive; raises BackupKeyError on a wrong key or any change."""

    def __init__(self, source, key: bytes):
        self.source = source
        self.header = source.read(HEADER_SIZE)
        if len(self.header) < HEADER_SIZE or not self.header.startswith(MAGIC):
            raise BackupKeyError("不是 Gongkai 加密备份文件（文件头不符）")
        stored_id = self.header[len(MAGIC) : len(MAGIC) + 16].decode("ascii", "replace")
        if stored_id != key_id(key):
            raise BackupKeyError(
                f"密钥不符：该备份用编号为 {stored_id} 的密钥加密，当前 {ENV_VAR} 的编号是 {key_id(key)}"
            )
        self.prefix = self.header[-7:]
        self.aead = AESGCM(key)
        self.counter = 0
        self.buffer = bytearray()
        self.finished = False

    def _next_chunk(self) -> None:
        length_bytes = self.source.read(4)
        if len(length_bytes) < 4:
            raise BackupKeyError("备份文件被截断：缺少结尾块")
        (length,) = struct.unpack(">I", length_bytes)
        if length < TAG or length > CHUNK + TAG:
            raise BackupKeyError(f"备份文件已损坏或被篡改（第 {self.counter + 1} 块长度不符）")
        sealed = self.source.read(length)
        if len(sealed) < length:
            raise BackupKeyError("备份文件被截断")
        for last in (False, True):
            try:
                plain = self.aead.decrypt(_nonce(self.prefix, self.counter, last), sealed, self.header)
            except InvalidTag:
                continue
            self.buffer += plain
            self.counter += 1
            if last:
                self.finished = True
                if self.source.read(1):
                    raise BackupKeyError("备份文件已被篡改：结尾块之后还有数据")
            return
        raise BackupKeyError(f"备份文件已损坏或被篡改（第 {self.counter + 1} 块校验失败）")

    def read(self, size: int = -1) -> bytes:
        while not self.finished and (size < 0 or len(self.buffer) < size):
            self._next_chunk()
        if size < 0:
            size = len(self.buffer)
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data
