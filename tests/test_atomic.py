"""Never lose a byte: every write is temp + fsync + rename, and a failed one changes nothing.

Covers issue 10: the backup is replaced only by a complete new one; SIGKILL at
random moments, SIGTERM and Ctrl-C; a full disk (a 1 MiB tmpfs); the input read
once and checked before the rename; memory that follows the rewritten parts;
symlinks, hard links and read-only files; the summary recognised by its marker;
output names whose extension does not fit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from libreoffice import convert, needs_soffice

from xltrack import inject, marker
from xltrack.analyze import analyze_workbook
from xltrack.atomic import (
    clean_stale_temps,
    fingerprint,
    is_temp_name,
    temp_path,
    write_atomic,
)
from xltrack.cli import cli
from xltrack.discover import expand_paths
from xltrack.errors import InputChangedError, OutputError, OutputNameError
from xltrack.sheetparts import render_layout
from xltrack.summary import Summary
from xltrack.summary_sheet import layout_summary, write_summary
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
ROOT = Path(__file__).resolve().parent.parent


def with_blob(path: Path, size: int, seed: int = 1) -> Path:
    """Add an incompressible media part of `size` bytes (deflated, as images are)."""
    data = random.Random(seed).randbytes(size)
    info = zipfile.ZipInfo("xl/media/blob.bin", (2024, 1, 1, 0, 0, 0))  # same bytes every time
    info.compress_type = zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "a") as z:
        z.writestr(info, data)
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Summary]:
    folder = tmp_path_factory.mktemp("atomic")
    path = generate_workbook(folder / "campaign.xlsx", example=True, as_of=AS_OF)
    return path, analyze_workbook(path, AS_OF).summary


def copy(base: tuple[Path, Summary], folder: Path, name: str = "campaign.xlsx") -> Path:
    target = folder / name
    shutil.copyfile(base[0], target)
    return target


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if is_temp_name(p.name))


def sheet_names(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
    return re.findall(r'<sheet name="([^"]*)"', book)


# -- the backup -----------------------------------------------------------------


def test_atomic_failed_in_place_write_keeps_the_old_backup(
    base: tuple[Path, Summary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy(base, tmp_path)
    write_summary(path, base[1], in_place=True)
    backup = tmp_path / "campaign.bak.xlsx"
    before = path.read_bytes(), backup.read_bytes()
    from xltrack.package import copy_member_raw as real_copy  # what inject calls

    calls = {"n": 0}

    def disk_full(*args: object) -> bool:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real_copy(*args)  # type: ignore[arg-type]  # passed through as received

    monkeypatch.setattr(inject, "copy_member_raw", disk_full)
    with pytest.raises(OutputError, match="No space left"):
        write_summary(path, base[1], in_place=True)
    assert (path.read_bytes(), backup.read_bytes()) == before
    assert temps(tmp_path) == []


def test_atomic_backup_is_written_to_a_temp_and_renamed(
    base: tuple[Path, Summary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old backup's inode is never opened for writing: a new file is renamed over it."""
    path = copy(base, tmp_path)
    write_summary(path, base[1], in_place=True)
    backup = tmp_path / "campaign.bak.xlsx"
    old_inode = backup.stat().st_ino
    first_output = path.read_bytes()
    write_summary(path, base[1], in_place=True)
    assert backup.stat().st_ino != old_inode
    assert backup.read_bytes() == first_output


# -- kill, SIGTERM, Ctrl-C --------------------------------------------------------

_CHILD = textwrap.dedent("""
    import pickle, sys
    from pathlib import Path
    from xltrack import inject, marker
    path, parts = Path(sys.argv[1]), pickle.loads(Path(sys.argv[2]).read_bytes())
    print("ready", flush=True)
    sys.stdin.readline()  # started together, writing one at a time
    while True:
        inject.add_sheet(path, parts, in_place=True)
""")


def _spawn_writer(path: Path, parts_file: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(path), str(parts_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )


def _valid_states(base: tuple[Path, Summary], folder: Path, parts_file: Path) -> set[bytes]:
    """Every content the input or backup may have: the original, and once summarized."""
    (folder / "ref").mkdir()
    path = copy(base, folder / "ref")
    original = with_blob(path, 2 << 20).read_bytes()
    inject.add_sheet(path, pickle.loads(parts_file.read_bytes()), in_place=True)
    once = path.read_bytes()
    inject.add_sheet(path, pickle.loads(parts_file.read_bytes()), in_place=True)
    assert path.read_bytes() == once  # a rerun writes the same bytes
    return {original, once}


@pytest.fixture
def parts_file(base: tuple[Path, Summary], tmp_path: Path) -> Path:
    target = tmp_path / "parts.pickle"
    target.write_bytes(pickle.dumps(render_layout(layout_summary(base[1]))))
    return target


def _trials(
    base: tuple[Path, Summary], tmp_path: Path, parts_file: Path, n: int
) -> list[tuple[Path, subprocess.Popen[str]]]:
    """`n` writers, each looping in-place writes on its own copy; started together so that
    their imports overlap (the trials are independent, only their start-up is shared)."""
    paths = []
    for trial in range(n):
        folder = tmp_path / f"t{trial}"
        folder.mkdir()
        paths.append(with_blob(copy(base, folder), 2 << 20))
    children = [_spawn_writer(path, parts_file) for path in paths]
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    return list(zip(paths, children, strict=True))


def _hit_at_random(child: subprocess.Popen[str], rng: random.Random, signum: int) -> None:
    assert child.stdin is not None
    child.stdin.write("go\n")
    child.stdin.flush()
    with contextlib.suppress(subprocess.TimeoutExpired):
        child.wait(timeout=rng.uniform(0.0, 0.15))
    child.send_signal(signum)


def test_atomic_sigkill_at_random_moments_never_loses_a_byte(
    base: tuple[Path, Summary], tmp_path: Path, parts_file: Path
) -> None:
    states = _valid_states(base, tmp_path, parts_file)
    rng = random.Random(10)
    stale_seen = 0
    for trial, (path, child) in enumerate(_trials(base, tmp_path, parts_file, 10)):
        _hit_at_random(child, rng, signal.SIGKILL)
        child.communicate()
        folder = path.parent
        assert path.read_bytes() in states, trial
        backup = folder / "campaign.bak.xlsx"
        if backup.exists():
            assert backup.read_bytes() in states, trial
        stale_seen += bool(temps(folder))
        # batch never reads what the killed process left, and the next write removes it
        assert [Path(t.path).name for t in expand_paths([folder])] == ["campaign.xlsx"]
        inject.add_sheet(path, pickle.loads(parts_file.read_bytes()), in_place=True)
        assert temps(folder) == []
    assert stale_seen > 0, "no kill landed inside a write: the test did not test anything"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_atomic_sigterm_and_ctrl_c_remove_the_temp_files(
    base: tuple[Path, Summary], tmp_path: Path, parts_file: Path, signum: int
) -> None:
    states = _valid_states(base, tmp_path, parts_file)
    rng = random.Random(signum)
    inside = 0
    for trial, (path, child) in enumerate(_trials(base, tmp_path, parts_file, 5)):
        _hit_at_random(child, rng, signum)
        _, err = child.communicate(timeout=60)
        assert child.returncode != 0
        assert temps(path.parent) == [], (trial, child.returncode, err[-2000:])
        inside += child.returncode == 128 + signal.SIGTERM  # our handler ran: mid-write
        assert path.read_bytes() in states
        backup = path.parent / "campaign.bak.xlsx"
        assert not backup.exists() or backup.read_bytes() in states
    if signum == signal.SIGTERM:
        assert inside > 0, "no SIGTERM landed inside a write: the test did not test anything"


def test_atomic_stale_temps_of_live_processes_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    mine = temp_path(target)
    mine.write_bytes(b"in progress")
    dead = tmp_path / f".~xltrack-out.xlsx.{2**22 + 12345}.abcd1234.tmp"  # above pid_max
    dead.write_bytes(b"killed")
    assert clean_stale_temps(target) == [dead]
    assert mine.exists() and not dead.exists()


# -- full disk ----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> object:
    mount = tmp_path / "tmpfs"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot mount a 1 MiB tmpfs here ({done.stderr.strip() or 'mount failed'}); "
            "the full-disk test needs root or CAP_SYS_ADMIN"
        )
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


def test_atomic_full_disk_leaves_input_and_backup_byte_identical(
    base: tuple[Path, Summary], small_disk: Path
) -> None:
    path = copy(base, small_disk)
    with_blob(path, 250_000)
    write_summary(path, base[1], in_place=True)  # fits: input + backup
    backup = small_disk / "campaign.bak.xlsx"
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 300_000))  # room for one copy, not two
    before = path.read_bytes(), backup.read_bytes()
    with pytest.raises(OutputError, match="No space left"):
        write_summary(path, base[1], in_place=True)
    assert (path.read_bytes(), backup.read_bytes()) == before
    assert temps(small_disk) == []
    result = CliRunner().invoke(
        cli, ["summarize", str(path), "--in-place", "--as-of", "2024-06-15"]
    )
    assert result.exit_code == 3 and "No space left" in result.stderr
    assert (path.read_bytes(), backup.read_bytes()) == before and temps(small_disk) == []


def test_atomic_every_writer_cleans_up_on_a_full_disk(
    base: tuple[Path, Summary], small_disk: Path
) -> None:
    """new, the portfolio and the exports share the helper: same promise for each."""
    from xltrack.export import export_tables
    from xltrack.portfolio import analyze_many
    from xltrack.portfolio_sheet import write_portfolio

    existing = small_disk / "new.xlsx"
    existing.write_bytes(b"keep me")
    filler = small_disk / "filler"
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    filler.write_bytes(b"\0" * max(0, free - 4096))
    with pytest.raises(OutputError):
        generate_workbook(existing, example=True, rows=2000, force=True)
    assert existing.read_bytes() == b"keep me"
    portfolio = analyze_many([base[0]], as_of=AS_OF, jobs=1)
    (small_disk / "portfolio.xlsx").write_bytes(b"old portfolio")
    with pytest.raises(OutputError):
        write_portfolio(portfolio, small_disk / "portfolio.xlsx")
    assert (small_disk / "portfolio.xlsx").read_bytes() == b"old portfolio"
    filler.unlink()
    (small_disk / "exports").mkdir()
    (small_disk / "exports" / "tasks.csv").write_bytes(b"old,csv\n")
    filler.write_bytes(
        b"\0" * (os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize - 2048)
    )
    with pytest.raises(OutputError):
        export_tables(portfolio.tables(), small_disk / "exports", formats=("csv",))
    assert (small_disk / "exports" / "tasks.csv").read_bytes() == b"old,csv\n"
    assert not [p for p in small_disk.rglob("*") if is_temp_name(p.name)]


# -- read once, verify before the rename ----------------------------------------------


def test_atomic_input_saved_during_the_write_is_refused(
    base: tuple[Path, Summary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy(base, tmp_path)
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"previous output")
    real = inject._write_package

    def saved_meanwhile(*args: object) -> None:
        real(*args)  # type: ignore[arg-type]  # passed through as received
        with zipfile.ZipFile(path, "a") as z:  # Excel or a sync client saves the file
            z.writestr("customXml/saved-by-another-program.xml", "<x/>")

    monkeypatch.setattr(inject, "_write_package", saved_meanwhile)
    saved = path.read_bytes()
    with pytest.raises(InputChangedError, match="changed while"):
        write_summary(path, base[1], out=out)
    assert out.read_bytes() == b"previous output"
    assert temps(tmp_path) == []
    assert path.read_bytes() != saved  # the other program's save is kept, not overwritten


def test_atomic_input_saved_after_the_analysis_exits_3(
    base: tuple[Path, Summary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import xltrack.analyze as command  # the CLI imports it when the command runs

    path = copy(base, tmp_path)
    real = command.analyze_workbook

    def analyse_then_save(*args: object, **kwargs: object) -> object:
        analysis = real(*args, **kwargs)  # type: ignore[arg-type]  # passed through
        with zipfile.ZipFile(path, "a") as z:
            z.writestr("customXml/saved-by-another-program.xml", "<x/>")
        return analysis

    monkeypatch.setattr(command, "analyze_workbook", analyse_then_save)
    result = CliRunner().invoke(
        cli, ["summarize", str(path), "--in-place", "--as-of", "2024-06-15"]
    )
    saved = path.read_bytes()
    assert result.exit_code == 3
    assert "changed" in result.stderr
    assert not (tmp_path / "campaign.bak.xlsx").exists()
    assert path.read_bytes() == saved and temps(tmp_path) == []


def test_atomic_the_input_is_opened_once(
    base: tuple[Path, Summary], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the one handle reads the package; later checks only fingerprint the path."""
    path = copy(base, tmp_path)
    opened: list[str] = []
    real_zip = zipfile.ZipFile.__init__

    def spy(self: zipfile.ZipFile, file: Any, *args: Any, **kwargs: Any) -> None:
        opened.append(repr(file))
        real_zip(self, file, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", spy)
    sheet = render_layout(layout_summary(base[1]))
    opened.clear()
    inject.add_sheet(path, sheet)
    reads = [o for o in opened if "campaign.xlsx" in o and ".~xltrack" not in o]
    assert len(reads) == 1, opened


# -- memory ---------------------------------------------------------------------------


def test_atomic_summarize_memory_follows_rewritten_parts_not_the_package(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    size = 48 << 20
    path = with_blob(copy(base, tmp_path), size)
    sheet = render_layout(layout_summary(base[1]))
    tracemalloc.start()
    try:
        out = inject.add_sheet(path, sheet)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < size / 8, f"peak {peak:,} bytes for a {size:,}-byte part"
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(out) as b:
        assert a.getinfo("xl/media/blob.bin").CRC == b.getinfo("xl/media/blob.bin").CRC
        assert b.testzip() is None


def test_atomic_summarize_subprocess_peak_rss_stays_below_the_part(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    """The whole command (read, check, write) in a fresh process, by its VmHWM."""
    size = 64 << 20
    small = copy(base, tmp_path, "small.xlsx")
    big = with_blob(copy(base, tmp_path, "big.xlsx"), size)
    script = textwrap.dedent("""
        import sys
        from xltrack.cli import main
        try:
            main(["summarize", sys.argv[1], "--as-of", "2024-06-15", "--format", "json"])
        except SystemExit:
            pass
        # VmHWM, not getrusage: ru_maxrss keeps the parent's peak across fork and exec
        status = open("/proc/self/status").read().splitlines()
        print(next(int(l.split()[1]) for l in status if l.startswith("VmHWM")) * 1024,
              file=sys.stderr)
    """)

    def peak(path: Path) -> int:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        return int(done.stderr.strip().splitlines()[-1])

    extra = peak(big) - peak(small)
    assert extra < size / 4, f"{extra:,} more bytes for a {size:,}-byte part"


# -- links and permissions ----------------------------------------------------------------


def test_atomic_in_place_through_a_symlink_updates_the_real_file(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    real = copy(base, real_dir)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    original = real.read_bytes()
    write_summary(link, base[1], in_place=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "Achievement summary" in sheet_names(real)
    assert (real_dir / "campaign.bak.xlsx").read_bytes() == original


def test_atomic_hard_linked_workbook_is_refused_not_split(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    path = copy(base, tmp_path)
    other = tmp_path / "other-name.xlsx"
    os.link(path, other)
    original = path.read_bytes()
    result = CliRunner().invoke(
        cli, ["summarize", str(path), "--in-place", "--as-of", "2024-06-15"]
    )
    assert result.exit_code == 3 and "hard links" in result.stderr
    assert path.read_bytes() == original and os.path.samefile(path, other)
    assert path.stat().st_nlink == 2
    assert not (tmp_path / "campaign.bak.xlsx").exists()


def test_atomic_read_only_workbook_is_refused(base: tuple[Path, Summary], tmp_path: Path) -> None:
    path = copy(base, tmp_path)
    path.chmod(0o444)
    original = path.read_bytes()
    result = CliRunner().invoke(
        cli, ["summarize", str(path), "--in-place", "--as-of", "2024-06-15"]
    )
    assert result.exit_code == 3 and "read-only" in result.stderr
    assert path.read_bytes() == original and (path.stat().st_mode & 0o777) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign.xlsx"]


def test_atomic_write_keeps_the_targets_permissions(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, lambda tmp: tmp.write_text("new"))
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640


def test_atomic_fingerprint_sees_a_same_size_same_mtime_edit(tmp_path: Path) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(b"aaaa")
    before = fingerprint(target)
    stat = target.stat()
    target.write_bytes(b"aaab")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert fingerprint(target) != before


# -- the summary sheet's marker ------------------------------------------------------------


def test_atomic_users_own_summary_named_sheet_is_kept(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    import openpyxl

    path = tmp_path / "mine.xlsx"
    book = openpyxl.load_workbook(base[0])
    book.create_sheet("Achievement summary")["A1"] = "my own notes"
    book.create_sheet("达成总结")["A1"] = "我的笔记"
    book.save(path)
    out = write_summary(path, base[1])
    names = sheet_names(out)
    assert names.count("Achievement summary") == 1 and names.count("达成总结") == 1
    assert "Achievement summary (2)" in names
    kept = openpyxl.load_workbook(out)
    assert kept["Achievement summary"]["A1"].value == "my own notes"
    assert kept["达成总结"]["A1"].value == "我的笔记"
    # charts follow the new name
    with zipfile.ZipFile(out) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    charts = [c for c in charts if "Achievement summary" in c]  # not the Dashboard's own
    assert charts and all("'Achievement summary (2)'!" in c for c in charts)
    assert not any("<c:f>'Achievement summary'!" in c for c in charts)
    # a rerun (in Chinese) replaces the marked sheet, never the user's two
    again = write_summary(out, base[1], in_place=True, lang="zh")
    names = sheet_names(again)
    assert names.count("Achievement summary") == 1 and "我的笔记" in _cell_text(again, "达成总结")
    assert "达成总结 (2)" in names and "Achievement summary (2)" not in names
    assert len(names) == len(sheet_names(out))


def _cell_text(path: Path, sheet: str) -> str:
    import openpyxl

    return str(openpyxl.load_workbook(path)[sheet]["A1"].value)


def test_atomic_marker_follows_a_renamed_summary_sheet(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    path = copy(base, tmp_path)
    write_summary(path, base[1], in_place=True)
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    book = files["xl/workbook.xml"].decode()
    book = book.replace('name="Achievement summary"', 'name="June report"')
    book = book.replace("'Achievement summary'!$A$1", "'June report'!$A$1")  # as Excel does
    files["xl/workbook.xml"] = book.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    count = len(sheet_names(path))
    write_summary(path, base[1], in_place=True)
    names = sheet_names(path)
    assert len(names) == count and "June report" not in names and "Achievement summary" in names


def test_atomic_marker_parsing() -> None:
    book = (
        '<workbook><sheets><sheet name="A"/></sheets><definedNames>'
        '<definedName name="Print">A!$A$1</definedName>'
        '<definedName name="_xltrack_summary" hidden="1">#REF!$A$1</definedName>'
        "</definedNames></workbook>"
    )
    assert marker.marked_sheet(book, marker.SUMMARY_MARKER) is None  # its sheet was deleted
    marked = marker.set_marker(book, marker.SUMMARY_MARKER, "It's")
    assert marked.count("_xltrack_summary") == 1 and "Print" in marked
    assert marker.marked_sheet(marked, marker.SUMMARY_MARKER) == "It's"
    bare = "<workbook><sheets/></workbook>"
    assert marker.marked_sheet(bare, marker.SUMMARY_MARKER) is None
    added = marker.set_marker(bare, marker.SUMMARY_MARKER, "S")
    assert "<sheets/><definedNames>" in added
    assert marker.marked_sheet(added, marker.SUMMARY_MARKER) == "S"


# -- output names ----------------------------------------------------------------------------


def test_atomic_output_extension_must_fit_the_content(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    runner = CliRunner()
    new = runner.invoke(cli, ["new", str(tmp_path / "x.txt")])
    assert new.exit_code == 2 and ".xlsx" in new.stderr
    assert not (tmp_path / "x.txt").exists()
    path = copy(base, tmp_path)
    out = runner.invoke(
        cli, ["summarize", str(path), "-o", str(tmp_path / "out.txt"), "--as-of", "2024-06-15"]
    )
    assert out.exit_code == 2 and ".xlsx" in out.stderr
    assert not (tmp_path / "out.txt").exists()
    with pytest.raises(OutputNameError):
        write_summary(path, base[1], out=tmp_path / "out.xlsm")
    assert temps(tmp_path) == []


def test_atomic_temp_names_are_recognised() -> None:
    target = Path("/x/budget.xlsx")
    name = temp_path(target).name
    assert name.startswith(".~xltrack-budget.xlsx.") and name.endswith(".tmp")
    assert is_temp_name(name) and is_temp_name(".~xltrack-ab12cd.xlsx")  # older versions
    assert is_temp_name(".budget.4242.tmp.xlsx")
    assert not is_temp_name("budget.xlsx") and not is_temp_name(".hidden.xlsx")


def test_atomic_fingerprint_without_pread_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "x.bin"
    target.write_bytes(random.Random(3).randbytes(3 << 20))
    with open(target, "rb") as handle:
        handle.seek(123)
        with_pread = fingerprint(handle)
        monkeypatch.delattr(os, "pread")  # as on Windows
        assert fingerprint(handle) == with_pread and handle.tell() == 123


@needs_soffice
def test_atomic_marker_survives_a_libreoffice_round_trip(
    base: tuple[Path, Summary], tmp_path: Path
) -> None:
    """LibreOffice keeps the defined name (and writes &apos;): a rerun replaces, never adds."""
    out = write_summary(copy(base, tmp_path), base[1])
    (saved,) = convert([out], tmp_path / "lo")
    with zipfile.ZipFile(saved) as z:
        assert "_xltrack_summary" in z.read("xl/workbook.xml").decode()
    again = write_summary(saved, base[1], out=tmp_path / "again.xlsx")
    assert sheet_names(again).count("Achievement summary") == 1
    assert len(sheet_names(again)) == len(sheet_names(saved))


def test_atomic_new_errors_pickle_and_carry_their_exit_codes() -> None:
    for cls, code in ((InputChangedError, 3), (OutputNameError, 2)):
        back = pickle.loads(pickle.dumps(cls("a.xlsx", "why")))
        assert type(back) is cls and str(back) == "a.xlsx: why" and back.exit_code == code
        assert isinstance(back, OutputError) and isinstance(back, OSError)
