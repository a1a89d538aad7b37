"""Turn the PATH arguments of a batch (files, folders, globs) into the workbooks to analyse.

Folders yield only `.xlsx`/`.xlsm` files (recursively on request); a file named
explicitly is always kept, and one xltrack cannot read becomes a `Target` with a
`reject` reason so that it shows up as a failed row instead of vanishing.
Excel's lock files (`~$budget.xlsx`) and second sightings of the same resolved
path are skipped.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
LOCK_PREFIX = "~$"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Target:
    """One input of a batch.

    Attributes:
        path: the path as the user would recognise it (as given, or found in a folder).
        reject: why it cannot be analysed (missing, not a workbook), or None.
        code: the finding code of the rejection.
    """

    path: str
    reject: str | None = None
    code: str = "file-unreadable"


def expand_paths(paths: Iterable[str | os.PathLike[str]], *, recursive: bool = False) -> list[Target]:
    """Expand files, folders and globs into a de-duplicated list of targets.

    Args:
        paths: files, folders or glob patterns (`**` matches folders when `recursive`).
        recursive: descend into sub-folders of folders (and let `**` in globs do so).

    Returns:
        Targets in a stable order: arguments in the order given, each folder's
        or glob's files sorted by path. Lock files and duplicates are left out.
    """
    seen: set[str] = set()
    out: list[Target] = []
    for raw in paths:
        for target in _expand_one(os.fspath(raw), recursive):
            if Path(target.path).name.startswith(LOCK_PREFIX):
                continue
            key = _identity(target.path)
            if key in seen:
                continue
            seen.add(key)
            out.append(target)
    return out


def _identity(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except OSError:  # a broken symlink loop: fall back to the absolute spelling
        return os.path.abspath(path)


def _expand_one(raw: str, recursive: bool) -> Iterator[Target]:
    path = Path(raw)
    if path.is_dir():
        yield from _folder(path, recursive)
        return
    if path.is_file():
        yield _explicit_file(path)
        return
    if _GLOB_CHARS & set(raw):
        matches = sorted(glob.glob(raw, recursive=recursive))
        for match in matches:
            found = Path(match)
            if found.is_file() and found.suffix.lower() in WORKBOOK_SUFFIXES:
                yield Target(str(found))
            elif found.is_dir() and recursive:
                yield from _folder(found, recursive)
        if not matches:
            yield Target(raw, reject="no file matches this pattern", code="file-unreadable")
        return
    yield Target(raw, reject="no such file or folder", code="file-unreadable")


def _folder(folder: Path, recursive: bool) -> Iterator[Target]:
    pattern = "**/*" if recursive else "*"
    files = [
        p for p in folder.glob(pattern)
        if p.suffix.lower() in WORKBOOK_SUFFIXES and p.is_file()
    ]
    for p in sorted(files):
        yield Target(str(p))


def _explicit_file(path: Path) -> Target:
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return Target(str(path))
    kind = f"a {suffix} file" if suffix else "a file without an extension"
    return Target(
        str(path),
        reject=f"{kind}, not an Excel workbook (.xlsx or .xlsm)",
        code="file-unsupported",
    )
