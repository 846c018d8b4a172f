"""The example site built at a fixed moment, compared file by file with the committed tree.

After an intended change to templates or content, regenerate the tree with
`scripts/update-expected` and review the diff before committing it.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from conftest import NOW, REPO, run_sitegen

EXPECTED = REPO / "tests" / "expected"
# The bundled fonts are copied as they are; keeping a second 10 MB copy here proves nothing.
FONTS = Path("static/default/fonts")


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".") and FONTS not in p.relative_to(folder).parents
    }


def test_example_site_matches_expected_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_sitegen("build", str(REPO), "--out", str(out), "--now", NOW, "--no-print")
    assert result.returncode == 0, result.stderr
    built, expected = _files(out), _files(EXPECTED)
    assert sorted(built) == sorted(expected), "files differ: run scripts/update-expected and review"
    for name, data in expected.items():
        if built[name] != data:
            diff = difflib.unified_diff(
                data.decode(errors="replace").splitlines(),
                built[name].decode(errors="replace").splitlines(),
                f"expected/{name}",
                f"built/{name}",
                lineterm="",
                n=1,
            )
            raise AssertionError("\n".join(list(diff)[:60]))
