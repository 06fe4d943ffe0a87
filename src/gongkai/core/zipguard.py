"""Refuse a zip archive (XLSX, DOCX, OFD) that would inflate beyond what a worker can afford to parse.

Read from the archive's central directory only, before any entry is decompressed: the declared sizes of the
entries. A lying directory is caught by the decompressors themselves (zipfile checks the CRC and stops at the
declared size), so the declared sizes are a bound the parsers can rely on.
"""

import io
import zipfile

from gongkai.core.errors import DomainError

MB = 1024 * 1024


class ArchiveTooLarge(DomainError):
    """The archive is a decompression bomb, or simply too large to read in a request."""


def check_zip(
    data: bytes,
    *,
    max_uncompressed: int,
    max_ratio: int = 100,
    max_entries: int = 1000,
    ratio_floor: int = MB,
) -> None:
    """Raise ArchiveTooLarge when the archive has more than `max_entries` entries, inflates to more than
    `max_uncompressed` bytes in all, or has an entry of more than `ratio_floor` bytes compressed more than
    `max_ratio` times (ordinary office XML compresses 5–30 times; a bomb thousands of times).

    A file that is not a zip archive raises zipfile.BadZipFile, left to the caller."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
    if len(entries) > max_entries:
        raise ArchiveTooLarge(f"压缩文件包含{len(entries)}个条目，超过上限{max_entries}个，拒绝读取。")
    total = sum(info.file_size for info in entries)
    if total > max_uncompressed:
        raise ArchiveTooLarge(
            f"文件解压后约{_mb(total)}，超过上限{_mb(max_uncompressed)}，拒绝读取。"
            "请删除多余的工作表、图片或空白行列后重新上传。"
        )
    for info in entries:
        if info.file_size > ratio_floor and info.file_size > max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ArchiveTooLarge(
                f"文件中的“{info.filename[:80]}”压缩比约为{ratio}:1（上限{max_ratio}:1），疑似压缩炸弹，拒绝读取。"
            )


def _mb(size: int) -> str:
    return f"{size / MB:.1f}MB" if size < 10 * MB else f"{size // MB}MB"
