"""Replacing the output folder in one atomic step, at the cost of what changed.

A build's new site is made in a spare folder beside the output
(`.output.spare/`), which then trades places with `output/` in one step
(`renameat2(RENAME_EXCHANGE)` on Linux). So whenever the build, the machine or
the power stops, `output/` is the complete old site or the complete new one,
never a mix.

The spare is kept between builds: after a swap it holds the site as it was
before, and every one of its files that did not change since is a hard link to
the same file in `output/`. Making it the next site therefore costs what
changed (the new files moved in, links for the files changed last time, the
files no longer made removed), not the size of the archive: no folder is made
and no file copied for the ten thousand pages that stayed the same. Its files
are listed in `.sitegen-spare-files` after each swap; without that list (a
first build, a build killed while changing the spare) the spare is walked.

What a killed build leaves is put right by the next one: staging folders are
removed, dotfiles of `output/` caught in the spare are moved back, and on a
system without the atomic exchange, a stop between its renames is undone.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ctypes

try:
    import fcntl
except ImportError:  # Windows: no locks, so leftovers are removed whoever left them
    fcntl = None  # type: ignore[assignment]

MARKER = ".sitegen-output"  # in an output folder: sitegen made it, a build may replace it
SPARE_FILES = ".sitegen-spare-files"
_NO_LINKS = (errno.EPERM, errno.EXDEV, errno.EOPNOTSUPP, errno.EMLINK)


def spare_folder(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.spare")


def staging_prefix(out_dir: Path) -> str:
    return f".{out_dir.name}.staging-"


def prepare_spare(out_dir: Path, staging: Path, planned: set[str]) -> Path | None:
    """Make the spare folder exactly the new site: `planned`, of which the files in
    `staging` are new and the rest as in `out_dir`. None where the file system
    cannot hard-link: then nothing has left `staging` (and the spare is left for
    the next build to walk)."""
    spare = spare_folder(out_dir)
    files = _spare_files(spare)
    made_folders: set[str] = set()

    def folder_for(target: str) -> None:
        folder = os.path.dirname(target)
        if folder not in made_folders:
            os.makedirs(folder, exist_ok=True)
            made_folders.add(folder)

    changed = _all_files(staging)
    # What is no longer made goes first: a path that was a file may now be a folder.
    stale = files - planned - changed
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(os.path.join(spare, path))
    remove_empty_folders(spare, {os.path.dirname(path) for path in stale})
    for path in planned - changed:  # first, as it may find that links cannot be made
        live, target = os.path.join(out_dir, path), os.path.join(spare, path)
        live_info = os.stat(live)
        try:
            info = os.stat(target)
        except FileNotFoundError:
            folder_for(target)
        else:
            if (info.st_ino, info.st_dev) == (live_info.st_ino, live_info.st_dev):
                continue  # already the same file
            os.unlink(target)
        try:
            os.link(live, target)
        except OSError as error:
            if error.errno in _NO_LINKS:
                return None
            raise
    for path in changed:
        target = os.path.join(spare, path)
        folder_for(target)
        os.replace(os.path.join(staging, path), target)
    return spare


def swap_in(spare: Path, out_dir: Path, old_files: set[str]) -> None:
    """Make the prepared `spare` the output, bringing the output's top-level dotfiles
    along; the spare then holds the old site, whose files are `old_files`."""
    _move_dotfiles(out_dir, spare)
    _exchange(spare, out_dir)
    (spare / SPARE_FILES).write_text(json.dumps(sorted(old_files)), encoding="utf-8")


def _spare_files(spare: Path) -> set[str]:
    """The files in the spare folder (made if missing), from its list if it has one.

    The list is removed first: from here until the next swap writes it anew, the
    spare is being changed, and a build stopped meanwhile must walk it."""
    listed = spare / SPARE_FILES
    try:
        files = json.loads(listed.read_text(encoding="utf-8"))
        listed.unlink()
        if isinstance(files, list) and all(isinstance(path, str) for path in files):
            return set(files)
    except (OSError, ValueError):
        pass
    spare.mkdir(exist_ok=True)
    return _all_files(spare)


def _all_files(folder: Path) -> set[str]:
    found = set()
    for root, _dirs, names in os.walk(folder):
        relative = os.path.relpath(root, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        found.update(prefix + name for name in names)
    return found


def remove_leftovers(out_dir: Path) -> None:
    """Put right what killed builds left beside `out_dir` (see the module's docstring)."""
    spare, aside = spare_folder(out_dir), _aside(spare_folder(out_dir))
    if not out_dir.exists():  # stopped between the renames of a swap without exchange
        for whole in (spare, aside):
            if (whole / MARKER).exists():
                os.rename(whole, out_dir)
                break
    if aside.exists():
        if spare.exists():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.rename(aside, spare)
    if out_dir.is_dir() and spare.is_dir():
        _move_dotfiles(spare, out_dir, keep={SPARE_FILES})
    for leftover in sorted(out_dir.parent.glob(staging_prefix(out_dir) + "*")):
        held = lock_folder(leftover, wait=False) if leftover.is_dir() else None
        if held is None and fcntl is not None and leftover.is_dir():
            continue  # another build, still at work
        if held is not None:
            os.close(held)
        shutil.rmtree(leftover, ignore_errors=True)


def _move_dotfiles(source: Path, target: Path, keep: set[str] = frozenset()) -> None:
    """Move the top-level dotfiles of `source` (`.git`, `.htaccess`) into `target`."""
    for entry in os.scandir(source):
        if (
            entry.name.startswith(".")
            and entry.name not in keep
            and not os.path.lexists(target / entry.name)
        ):
            os.rename(entry.path, target / entry.name)


def remove_empty_folders(root: Path, folders: set[str]) -> None:
    """Remove the given folders under `root` and their parents while they are empty."""
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        current = root / folder
        while current != root and current.is_dir() and not any(current.iterdir()):
            current.rmdir()
            current = current.parent


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _aside(spare: Path) -> Path:
    return spare.with_name(spare.name + "-old")


def _exchange(a: Path, b: Path) -> None:
    """Make the folders `a` and `b` trade names: in one step where the system can
    (Linux), else in three renames, a stop between which `remove_leftovers` mends."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is not None:
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        import ctypes

        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
            raise OSError(code, os.strerror(code), str(b))
    os.rename(b, _aside(a))
    os.rename(a, b)
    os.rename(_aside(a), a)


def _libc() -> ctypes.CDLL | None:
    import ctypes.util  # only for a swap: a build with nothing to do makes none

    name = ctypes.util.find_library("c") if os.name == "posix" else None
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


def lock_folder(folder: Path, wait: bool = True) -> int | None:
    """An open handle on `folder` holding an exclusive lock on it (None where locks
    are not to be had, or with `wait=False` when another process holds it)."""
    if fcntl is None:
        return None
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except OSError:
        os.close(handle)
        return None
    return handle


@contextlib.contextmanager
def folder_locked(folder: Path) -> Iterator[None]:
    """One build at a time changes what lies in `folder` (the output, its spare)."""
    handle = lock_folder(folder)
    try:
        yield
    finally:
        if handle is not None:
            os.close(handle)
