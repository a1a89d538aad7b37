"""Turn the PATH arguments of a batch (files, folders, globs) into the workbooks to analyse.

Folders and globs yield only workbooks (`.xlsx`, `.xlsm`, `.xls`, `.xlsb`, `.ods`;
recursively on request),
leaving out what is not a campaign of its own: Excel's lock files
(`~$budget.xlsx`), xltrack's temp files (`.~xltrack-*`, left behind when a
write was killed), its backups (`NAME.bak.xlsx`) and summaries
(`NAME.summary.xlsx`), which would show one campaign two or three times.
`include_generated=True` keeps them. A file named explicitly is always kept
(except a lock file, never a workbook, which `batch *.xlsx` names too), and
one xltrack cannot read becomes a `Target` with a `reject` reason so that it
shows up as a failed row instead of vanishing. Second sightings of the same
resolved path are skipped.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from xltrack.atomic import is_temp_name
from xltrack.source import not_a_file

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"})
LOCK_PREFIX = "~$"
_GLOB_CHARS = frozenset("*?[")
_GENERATED_TAILS = (".bak", ".summary")


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


def expand_paths(
    paths: Iterable[str | os.PathLike[str]],
    *,
    recursive: bool = False,
    include_generated: bool = False,
) -> list[Target]:
    """Expand files, folders and globs into a de-duplicated list of targets.

    Args:
        paths: files, folders or glob patterns (`**` matches folders when `recursive`).
        recursive: descend into sub-folders of folders (and let `**` in globs do so).
        include_generated: also take lock, temp, backup and summary files found
            in folders and globs (see `is_generated`).

    Returns:
        Targets in a stable order: arguments in the order given, each folder's
        or glob's files sorted by path. Duplicates are left out, and so are
        generated files found in folders or globs unless `include_generated`.
    """
    seen: set[str] = set()
    out: list[Target] = []
    for raw in paths:
        for target, explicit in _expand_one(os.fspath(raw), recursive):
            name = Path(target.path).name
            # A lock file is never a workbook, even when a shell glob names it.
            skip = name.startswith(LOCK_PREFIX) or (not explicit and is_generated(name))
            if skip and not include_generated:
                continue
            key = _identity(target.path)
            if key in seen:
                continue
            seen.add(key)
            out.append(target)
    return out


def is_generated(name: str) -> bool:
    """Whether a file name is a lock, temp, backup or summary file rather than a campaign."""
    if name.startswith(LOCK_PREFIX) or is_temp_name(name):
        return True
    stem, _, suffix = name.rpartition(".")
    return f".{suffix.lower()}" in WORKBOOK_SUFFIXES and stem.lower().endswith(_GENERATED_TAILS)


def _identity(path: str) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return os.path.abspath(path)


def _expand_one(raw: str, recursive: bool) -> Iterator[tuple[Target, bool]]:
    """Targets, each with whether the user named it explicitly."""
    path = Path(raw)
    special = not_a_file(path)
    if special is not None and not path.is_dir():
        yield Target(raw, reject=special, code="file-unreadable"), True
        return
    if path.is_dir():
        yield from _folder(path, recursive)
        return
    if path.is_file():
        yield _explicit_file(path), True
        return
    if _GLOB_CHARS & set(raw):
        matches = sorted(glob.glob(raw, recursive=recursive))
        for match in matches:
            found = Path(match)
            if found.is_dir() and recursive:
                yield from _folder(found, recursive)
            elif found.suffix.lower() in WORKBOOK_SUFFIXES:
                yield _found(found), False
        if not matches:
            yield Target(raw, reject="no file matches this pattern", code="file-unreadable"), True
        return
    yield Target(raw, reject="no such file or folder", code="file-unreadable"), True


def _folder(folder: Path, recursive: bool) -> Iterator[tuple[Target, bool]]:
    pattern = "**/*" if recursive else "*"
    # Named like a workbook but no file (a pipe, a device, a symlink loop, a folder):
    # listed with the reason, never silently left out. A folder is looked into when
    # recursive, so it is no skip then.
    found = [
        p
        for p in folder.glob(pattern)
        if p.suffix.lower() in WORKBOOK_SUFFIXES and not (recursive and p.is_dir())
    ]
    for p in sorted(found):
        yield _found(p), False


def _found(path: Path) -> Target:
    """A workbook found in a folder or glob, or why it is none."""
    special = not_a_file(path)
    if special is None:
        return Target(str(path))
    return Target(str(path), reject=special, code="file-unreadable")


def _explicit_file(path: Path) -> Target:
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return Target(str(path))
    kind = f"a {suffix} file" if suffix else "a file without an extension"
    return Target(
        str(path),
        reject=f"{kind}, not a workbook (.xlsx, .xlsm, .xls, .xlsb or .ods)",
        code="file-unsupported",
    )
