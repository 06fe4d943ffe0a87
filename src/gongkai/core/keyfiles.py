"""Development key files: a secret generated once into the data directory when no key is configured.

Production sets its keys in the environment (outside the database and its backups); the deploy checks refuse a
production instance that would fall back to a file here.
"""

from collections.abc import Callable
from functools import lru_cache

from django.conf import settings


def keys_from_file(name: str, generate: Callable[[], str]) -> list[str]:
    """The keys in `DATA_DIR/name` (comma- or line-separated, newest first), made with `generate` if absent."""
    data_dir = settings.DATA_DIR
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / name
    if not key_file.exists():
        key_file.write_text(generate() + "\n")
        key_file.chmod(0o600)
    return list(_read_key_file(str(key_file), key_file.stat().st_mtime_ns))


@lru_cache(maxsize=8)
def _read_key_file(path: str, mtime_ns: int) -> tuple[str, ...]:
    with open(path) as handle:
        text = handle.read()
    return tuple(line.strip() for line in text.replace(",", "\n").splitlines() if line.strip())
