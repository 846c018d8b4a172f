"""What an output's bytes depend on besides the site itself: the sitegen modules that
make it, the libraries installed beside them, and the Python running them.

- A kind of output (the parse of a content file, a page, a PDF) is made by the
  modules its entry module imports, and the modules those import: found by
  reading the import lines of sitegen's own files, never listed by hand. Its
  fingerprint takes the stamps of exactly those, so a change to the print code
  makes the PDFs again and leaves the pages, and the other way round.
- Libraries are known by the distributions installed where Python finds its
  modules (`weasyprint-70.0.dist-info`: the name carries the version), so an
  upgrade of any of them, or of what they use (pydyf, fontTools, Pillow), is a
  new fingerprint. A library's files edited in place, by hand, are not seen.

Files are known by size and modification time: reading package metadata costs
as much as a small rebuild. Everything here is worked out once a process.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).parent.parent  # the whole sitegen package
Stamp = tuple[str, int, int]

# What makes each kind of output: the modules whose imports, followed, are its code.
# Pages and PDFs show the bodies parsing made (their HTML is in no key of theirs).
PARSE = ("sitegen.sitefolder.load",)
PAGES = (*PARSE, "sitegen.outputs.planning")
PRINT = (*PARSE, "sitegen.outputs.printing.run")

_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+(sitegen[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)"
    r"|import[ \t]+(sitegen[\w.]*))",
    re.MULTILINE,
)


@cache
def code_stamps() -> tuple[Stamp, ...]:
    """Every file of sitegen's, the distributions installed and Python: what the
    build record compares to say that nothing at all has changed."""
    stamps = [(f"python {sys.version}", 0, 0)]
    for root, dirs, names in os.walk(PACKAGE):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            info = os.stat(os.path.join(root, name))
            stamps.append((os.path.join(root, name), info.st_size, info.st_mtime_ns))
    stamps += [(f"installed {name}", 0, 0) for name in installed()]
    return tuple(sorted(stamps))


@cache
def fingerprint(entries: tuple[str, ...]) -> str:
    """The digest of the code that makes one kind of output: the modules `entries`
    import, directly or not, each by its stamp, with Python and the libraries."""
    modules = modules_of()
    parts = [f"python {sys.version}", *installed()]
    for name in sorted(imported_by(entries)):
        info = os.stat(modules[name])
        parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()


@cache
def installed() -> tuple[str, ...]:
    """The distributions (name and version) in the folders Python imports from: not
    the current folder (`python -m` puts it first, `sitegen` does not), nor the
    checkout sitegen runs from (its own code is known module by module)."""
    found = set()
    here = {os.getcwd(), str(PACKAGE.parent)}
    for folder in sys.path:
        if not folder or not os.path.isabs(folder) or folder in here:
            continue
        try:
            entries = os.scandir(folder)
        except OSError:
            continue
        with entries:
            found.update(
                entry.name for entry in entries if entry.name.endswith((".dist-info", ".egg-info"))
            )
    return tuple(sorted(found))


@cache
def modules_of() -> dict[str, Path]:
    """sitegen's modules by name (`sitegen.outputs.pages`), packages by their __init__."""
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def imported_by(entries: tuple[str, ...]) -> set[str]:
    """`entries` and every sitegen module they import, directly or through others
    (the packages a module is in count too: importing it runs their __init__)."""
    modules = modules_of()
    seen: set[str] = set()
    waiting = list(entries)
    while waiting:
        name = waiting.pop()
        if name in seen or name not in modules:
            continue
        seen.add(name)
        waiting += _imports(name)
        waiting += [name.rsplit(".", depth)[0] for depth in range(1, name.count(".") + 1)]
    return seen


@cache
def _imports(module: str) -> tuple[str, ...]:
    """The sitegen modules `module`'s file imports, anywhere in it (in functions too)."""
    modules = modules_of()
    found = []
    for source, names, plain in _IMPORT.findall(modules[module].read_text(encoding="utf-8")):
        if plain:
            found.append(plain)
            continue
        found.append(source)
        for imported in names.strip("()").replace("\n", " ").split(","):
            candidate = f"{source}.{imported.split(' as ')[0].strip()}"
            if candidate in modules:  # `from sitegen.outputs import feeds`: a module
                found.append(candidate)
    return tuple(found)
