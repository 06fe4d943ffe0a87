"""The archive's streaming encryption: AES-256-GCM chunks that cannot be reordered, cut, extended or edited."""

import io
import os
import struct

import pytest

from gongkai.backup import crypto


def encrypt(data: bytes, key: bytes) -> bytes:
    sink = io.BytesIO()
    writer = crypto.EncryptingWriter(sink, key)
    for start in range(0, len(data), 300_000):  # written in pieces that do not line up with the chunks
        writer.write(data[start : start + 300_000])
    writer.close()
    return sink.getvalue()


def decrypt(blob: bytes, key: bytes, read_size: int = 65_536) -> bytes:
    reader = crypto.DecryptingReader(io.BytesIO(blob), key)
    out = bytearray()
    while chunk := reader.read(read_size):
        out += chunk
    return bytes(out)


def chunks(blob: bytes) -> list[bytes]:
    """The framed chunks after the header."""
    position, found = crypto.HEADER_SIZE, []
    while position < len(blob):
        (length,) = struct.unpack(">I", blob[position : position + 4])
        found.append(blob[position : position + 4 + length])
        position += 4 + length
    return found


KEY = crypto.parse_key(crypto.generate_key())
DATA = os.urandom(2 * crypto.CHUNK + 12_345)


def test_a_multi_chunk_stream_comes_back_byte_for_byte():
    blob = encrypt(DATA, KEY)
    assert len(chunks(blob)) == 3
    assert DATA[:1000] not in blob
    assert decrypt(blob, KEY) == DATA
    assert decrypt(blob, KEY, read_size=7) == DATA


@pytest.mark.parametrize("size", [0, 1, crypto.CHUNK, crypto.CHUNK + 1])
def test_every_size_round_trips(size):
    data = os.urandom(size)
    assert decrypt(encrypt(data, KEY), KEY) == data


def test_a_wrong_key_is_named_before_anything_is_read():
    other = crypto.parse_key(crypto.generate_key())
    with pytest.raises(
        crypto.BackupKeyError, match=rf"密钥不符：该备份用编号为 {crypto.key_id(KEY)} 的密钥加密"
    ):
        decrypt(encrypt(DATA, KEY), other)


def test_a_changed_byte_is_refused():
    blob = bytearray(encrypt(DATA, KEY))
    blob[crypto.HEADER_SIZE + 4 + 100] ^= 1
    with pytest.raises(crypto.BackupKeyError, match="第 1 块校验失败"):
        decrypt(bytes(blob), KEY)


def test_a_changed_header_is_refused():
    blob = bytearray(encrypt(DATA, KEY))
    blob[-len(blob) + crypto.HEADER_SIZE - 1] ^= 1  # the nonce prefix
    with pytest.raises(crypto.BackupKeyError, match="校验失败"):
        decrypt(bytes(blob), KEY)


def test_a_file_cut_at_a_chunk_boundary_is_refused():
    blob = encrypt(DATA, KEY)
    cut = blob[: crypto.HEADER_SIZE] + b"".join(chunks(blob)[:2])
    with pytest.raises(crypto.BackupKeyError, match="截断"):
        decrypt(cut, KEY)


def test_reordered_chunks_are_refused():
    blob = encrypt(DATA, KEY)
    first, second, last = chunks(blob)
    with pytest.raises(crypto.BackupKeyError, match="第 1 块校验失败"):
        decrypt(blob[: crypto.HEADER_SIZE] + second + first + last, KEY)


def test_data_after_the_last_chunk_is_refused():
    with pytest.raises(crypto.BackupKeyError, match="结尾块之后还有数据"):
        decrypt(encrypt(DATA, KEY) + b"more", KEY)


def test_a_key_that_is_not_32_bytes_is_refused():
    with pytest.raises(crypto.BackupKeyError, match="32 字节"):
        crypto.parse_key("too-short")
