"""Write a file so that a failure never changes an existing file: temp, fsync, rename.

Every file xltrack writes (summaries, in-place writes and their backups, the
portfolio workbook, exports, `new`) goes through `write_atomic`:

1. The target is resolved through symlinks (the real file is replaced, the link
   kept) and refused when it is read-only or has other hard links (a rename
   would split them silently; see `check_target`).
2. The content is written to a temp file in the target's folder, named
   `.~xltrack-<target name>.<pid>.<random>.tmp` so that people and `batch`
   recognise it, then fsynced and given the target's permissions.
3. A backup, when asked for, is written the same way: the old backup is only
   ever replaced by a complete new one.
4. A caller's last check runs (summaries verify that the input did not change).
5. With SIGINT/SIGTERM held back, the backup and then the target are renamed
   into place and the folder is fsynced.

On any failure, Ctrl-C or SIGTERM the temp files are removed and every existing
file is as it was. SIGKILL cannot be caught: its temp files are removed by the
next write to the same target (`clean_stale_temps`, when their process is gone)
and skipped by `batch` (`is_temp_name`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, BinaryIO

from xltrack.errors import InputChangedError, OutputError

TEMP_PREFIX = ".~xltrack-"
TEMP_SUFFIX = ".tmp"
# Names older versions used for their temp files: recognised too, so that batch skips them.
_LEGACY_TEMP = re.compile(r"^\.~xltrack-.*|^\..+\.\d+\.tmp(\.[A-Za-z]+)?$")
_CHUNK = 1 << 20

Writer = Callable[[Path], object]  # what it returns is ignored


def temp_path(target: Path) -> Path:
    """A fresh temp name for `target`, in its folder: `.~xltrack-NAME.PID.RANDOM.tmp`."""
    token = secrets.token_hex(4)
    return target.with_name(f"{TEMP_PREFIX}{target.name}.{os.getpid()}.{token}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    """Whether a file name is one of xltrack's temp files (this version's or an older one's)."""
    return bool(_LEGACY_TEMP.match(name))


def clean_stale_temps(target: Path) -> list[Path]:
    """Remove temp files for `target` left by xltrack processes that no longer run (SIGKILL).

    Returns:
        The files removed.
    """
    pattern = re.compile(
        re.escape(TEMP_PREFIX + target.name) + r"\.(\d+)\.[0-9a-f]+" + re.escape(TEMP_SUFFIX)
    )
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    for name in names:
        m = pattern.fullmatch(name)
        if m is None or _alive(int(m.group(1))):
            continue
        try:
            os.unlink(target.parent / name)
            removed.append(target.parent / name)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


@dataclass(frozen=True)
class Fingerprint:
    """What identifies one version of a file: size, modification time, inode and SHA-256."""

    size: int
    mtime_ns: int
    inode: int
    device: int
    sha256: str


def fingerprint(source: str | os.PathLike[str] | BinaryIO) -> Fingerprint:
    """The fingerprint of a file, by path or through an open binary handle (position kept).

    Raises:
        OSError: the file cannot be read.
    """
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as handle:
            return fingerprint(handle)
    st = os.fstat(source.fileno())
    digest = hashlib.sha256()
    offset = 0
    while block := _read_at(source, offset):
        digest.update(block)
        offset += len(block)
    return Fingerprint(st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev, digest.hexdigest())


def verify_unchanged(path: Path, expected: Fingerprint) -> None:
    """Raise `InputChangedError` unless `path` still has the `expected` fingerprint."""
    try:
        now = fingerprint(path)
    except OSError as exc:
        raise InputChangedError(str(path), f"the input can no longer be read: {exc}") from exc
    if now != expected:
        raise InputChangedError(
            str(path),
            "the input changed while xltrack was working on it (saved by another "
            "program?); nothing was written, run the command again",
        )


def check_target(path: str | os.PathLike[str]) -> Path:
    """The real file a write to `path` must replace, after refusing what cannot be replaced safely.

    Symlinks are followed (the link stays a link to the new file). An existing
    target is refused when it is read-only (its owner meant it not to change,
    even for root) or has more than one hard link: a rename would leave the
    other names on the old content without a word, and writing into the shared
    inode cannot be atomic.

    Raises:
        OutputError: the target is a folder, read-only, hard-linked, or its folder is missing.
    """
    given = Path(path)
    real = Path(os.path.realpath(given))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise OutputError(
                str(given), f"cannot write: folder {real.parent} does not exist"
            ) from None
        return real
    except OSError as exc:
        raise OutputError(str(given), f"cannot write: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(str(given), "is a folder, not a file")
    if not st.st_mode & 0o222:
        raise OutputError(str(given), "is read-only; make it writable first or write elsewhere")
    if st.st_nlink > 1:
        raise OutputError(
            str(given),
            f"has {st.st_nlink} hard links; replacing it would split them "
            "(write to another file, or remove the other links first)",
        )
    return real


def write_atomic(
    path: str | os.PathLike[str],
    write: Writer,
    *,
    backup: tuple[Path, BinaryIO] | None = None,
    before_commit: Callable[[], None] | None = None,
) -> Path:
    """Write a file through a temp file in its folder, fsync it, and rename it into place.

    Args:
        path: the target (symlinks followed; see `check_target`).
        write: called with the temp file's path; writes the whole content there.
        backup: (backup path, open handle of the current content): written to a
            temp and renamed over the backup just before the target is replaced.
        before_commit: a last check, run after everything is written and before
            any rename; an exception it raises cancels the write.

    Returns:
        The real path written.

    Raises:
        OutputError: the target is refused or cannot be written (existing files intact).
        InputChangedError: raised by `before_commit`, as from `verify_unchanged`.
    """
    real = check_target(path)
    clean_stale_temps(real)
    if backup is not None:
        clean_stale_temps(backup[0])
    temps: list[Path] = []
    mode = _mode_for(real)
    with _terminate_as_exit():  # around the clean-up too: a SIGTERM there still cleans up
        try:
            tmp = _create(real, temps)
            write(tmp)
            _finish(tmp, mode)
            pairs = [(tmp, real)]
            if backup is not None:
                backup_path, current = backup
                held = _create(backup_path, temps)
                _copy_handle(current, held)
                _finish(held, _mode_for(backup_path, default=mode))
                pairs.insert(0, (held, backup_path))  # the backup lands first
            if before_commit is not None:
                before_commit()
            with _signals_held():
                for source, target in pairs:
                    os.replace(source, target)
                    temps.remove(source)
                for folder in {target.parent for _, target in pairs}:
                    _fsync_folder(folder)
        except OSError as exc:
            if isinstance(exc, OutputError):
                raise
            raise OutputError(str(path), f"cannot write: {exc.strerror or exc}") from exc
        finally:
            for leftover in temps:
                with contextlib.suppress(OSError):
                    os.unlink(leftover)
    return real


class _Sink:
    """A file for a library that zips into it (XlsxWriter): after a failed write, or once
    we are done with it, every further write, seek and flush is a no-op.

    XlsxWriter leaves its ZipFile unclosed when a write fails (a full disk); the
    ZipFile's `__del__` then writes the central directory again and prints
    "Exception ignored ... No space left on device". The first error is the one
    that counts and it is raised; the temp file is discarded anyway.
    """

    def __init__(self, path: Path) -> None:
        self._file = open(path, "wb", buffering=0)  # noqa: SIM115 (closed by finish())
        self.name = str(path)
        self._dead = False
        self._pos = 0  # a pretend position once dead, so that zipfile's arithmetic holds

    def write(self, data: Any) -> int:
        size = len(memoryview(data))
        if self._dead:
            self._pos += size
            return size
        try:
            return self._file.write(data) or 0
        except OSError:
            self._die()
            raise

    def seek(self, offset: int, whence: int = 0) -> int:
        if not self._dead:
            return self._file.seek(offset, whence)
        self._pos = offset if whence == 0 else self._pos + offset
        return self._pos

    def tell(self) -> int:
        return self._pos if self._dead else self._file.tell()

    def _die(self) -> None:
        if not self._dead:
            self._pos = self._file.tell()
            self._dead = True

    def flush(self) -> None:
        if not self._dead:
            self._file.flush()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        """ZipFile never closes a file it was handed; `finish` does."""

    def finish(self) -> None:
        self._die()
        self._file.close()


@contextlib.contextmanager
def open_sink(path: Path) -> Iterator[Any]:
    """Open a temp file for a library that writes a zip into it (see `_Sink`)."""
    sink = _Sink(path)
    try:
        yield sink
    finally:
        sink.finish()


def _create(target: Path, temps: list[Path]) -> Path:
    tmp = temp_path(target)
    temps.append(tmp)  # before it exists: a signal right after the open must not orphan it
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        temps.remove(tmp)  # not ours
        raise
    os.close(fd)
    return tmp


def _mode_for(target: Path, default: int | None = None) -> int:
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        if default is not None:
            return default
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _finish(tmp: Path, mode: int) -> None:
    os.chmod(tmp, mode)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_handle(source: BinaryIO, target: Path) -> None:
    offset = 0
    with open(target, "wb") as out:
        while block := _read_at(source, offset):
            out.write(block)
            offset += len(block)


def _read_at(source: BinaryIO, offset: int) -> bytes:
    """A block at `offset`, leaving the handle's position alone (a ZipFile shares it)."""
    if hasattr(os, "pread"):
        return os.pread(source.fileno(), _CHUNK, offset)
    position = source.tell()  # Windows has no pread
    try:
        source.seek(offset)
        return source.read(_CHUNK)
    finally:
        source.seek(position)


def _fsync_folder(folder: Path) -> None:
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        fd = os.open(folder, flags)
    except OSError:  # a platform that cannot open folders: the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_HELD = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back across the renames, so no signal lands between them."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """Turn SIGTERM into SystemExit while writing, so the temp files are removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):  # the program has its own plan for SIGTERM
        yield
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
