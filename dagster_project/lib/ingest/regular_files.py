"""Open submitted files only when they are regular files, and never through a link.

An inbox is a folder other people write into. A symbolic link named ``bao_cao.xlsx`` that
points at a system file, a named pipe (which blocks whoever opens it) or a device node must
never be read: ``Path.is_file()`` and ``open()`` follow links, so a link to ``/etc/passwd``
would be hashed, archived and landed like a report. Everything here looks at the entry
itself (``lstat``) and opens with ``O_NOFOLLOW``, then checks the opened descriptor again, so
a file swapped for a link between listing and reading is refused rather than followed.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import BinaryIO

__all__ = ["KIND_LABELS", "NotRegularFileError", "file_kind", "kind_of_mode", "open_regular"]

# What a non-regular entry is, in Vietnamese and English, by the kind file_kind() returns.
KIND_LABELS: dict[str, tuple[str, str]] = {
    "symlink": ("liên kết tượng trưng (symlink)", "symbolic link (symlink)"),
    "directory": ("thư mục", "directory"),
    "fifo": ("ống dẫn có tên (FIFO)", "named pipe (FIFO)"),
    "char_device": ("tệp thiết bị ký tự", "character device"),
    "block_device": ("tệp thiết bị khối", "block device"),
    "socket": ("socket", "socket"),
    "other": ("tệp đặc biệt", "special file"),
}

# O_NONBLOCK: opening a named pipe that slipped past the lstat check returns at once instead
# of waiting for a writer; it changes nothing for regular files.
_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
               | getattr(os, "O_CLOEXEC", 0))


class NotRegularFileError(OSError):
    """The path is a link, folder, pipe, device or socket: it is not read."""

    def __init__(self, path: Path, kind: str) -> None:
        super().__init__(f"not a regular file ({kind}): {path}")
        self.path = path
        self.kind = kind


def kind_of_mode(mode: int) -> str | None:
    """The kind of an entry from its ``st_mode``; None for a regular file."""
    checks = ((stat.S_ISREG, None), (stat.S_ISLNK, "symlink"), (stat.S_ISDIR, "directory"),
              (stat.S_ISFIFO, "fifo"), (stat.S_ISCHR, "char_device"),
              (stat.S_ISBLK, "block_device"), (stat.S_ISSOCK, "socket"))
    return next((kind for test, kind in checks if test(mode)), "other")


def file_kind(path: Path) -> str | None:
    """What ``path`` itself is, without following a link: None for a regular file.

    Raises:
        OSError: As ``os.lstat`` does (FileNotFoundError for a missing path).
    """
    return kind_of_mode(os.lstat(path).st_mode)


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for binary reading; refuse anything else without reading it.

    The entry is checked before opening, so a device node is never opened at all, and the
    opened descriptor is checked again, so a swap between the two cannot slip through.

    Raises:
        NotRegularFileError: The path is a link, folder, pipe, device or socket.
        OSError: The file is missing or cannot be opened.
    """
    kind = file_kind(path)
    if kind is not None:
        raise NotRegularFileError(path, kind)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link swapped in after the check
            raise NotRegularFileError(path, "symlink") from error
        raise
    try:
        kind = kind_of_mode(os.fstat(descriptor).st_mode)
        if kind is not None:
            raise NotRegularFileError(path, kind)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def file_sha256(path: Path) -> str:
    """SHA-256 of the file's bytes: the identity of a submission in the archive.

    Raises:
        NotRegularFileError: The path is a link, pipe, device…: its target is never hashed.
        OSError: The file cannot be opened.
    """
    digest = hashlib.sha256()
    with open_regular(path) as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()
