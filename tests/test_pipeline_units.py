"""The middle of the pipeline, in process: the plan's check, the keys of outputs,
the build record and the order of messages. The example site is loaded once,
read-only (nothing is written into the repository)."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, REPO

from sitegen.errors import Diagnostic, SourceRef, UserError, in_order
from sitegen.incremental.keys import OutputKeys
from sitegen.incremental.record import BuildRecord, Snapshot, stamps_as_left
from sitegen.outputs.plan import Output, check_plan
from sitegen.outputs.planning import plan
from sitegen.outputs.render import Renderer
from sitegen.pipeline import load_view
from sitegen.site.view import SiteView


@pytest.fixture(scope="module")
def view() -> SiteView:
    found, _warnings = load_view(
        REPO, datetime.fromisoformat(NOW), use_cache=False, keep_cache=False
    )
    return found


def render(output: Output) -> tuple[bytes, tuple[str, ...]]:
    reads: set[str] = set()
    data = output.data(reads)
    return data, tuple(sorted(reads))


def by_path(view: SiteView, with_print: bool = False) -> dict[str, Output]:
    return {o.path: o for o in plan(Renderer(view, with_print=with_print))}


def test_the_plan_refuses_two_outputs_at_one_path_naming_both() -> None:
    outputs = [
        Output("notices/a/index.html", "content/notices/a.md"),
        Output("notices/a/index.html", "content/notices/b.md"),
    ]
    with pytest.raises(UserError) as raised:
        check_plan(outputs)
    assert "content/notices/b.md and content/notices/a.md" in str(raised.value)
    assert "`slug:`" in str(raised.value)


@pytest.mark.parametrize("path", ["../index.html", "a/../../b.html", "/etc/passwd"])
def test_the_plan_refuses_paths_that_leave_the_output_folder(path: str) -> None:
    with pytest.raises(UserError, match="leaves the output folder"):
        check_plan([Output(path, "content/notices/x.md")])


def test_a_page_notes_what_it_read_of_the_view(view: SiteView) -> None:
    outputs = by_path(view)
    _html, reads = render(outputs["index.html"])
    assert {"important", "latest", "menu_pages"} <= set(reads)
    notice = next(p for p in outputs if p.startswith("notices/2026-11-18"))
    _html, reads = render(outputs[notice])
    assert any(name.startswith("links:notices/2026-11-18") for name in reads)


def test_the_key_is_the_same_for_the_same_site_and_changes_with_what_was_read(
    view: SiteView,
) -> None:
    home = by_path(view)["index.html"]
    _html, reads = render(home)
    first = OutputKeys(view, with_print=False).key(home, reads)
    assert first is not None
    assert OutputKeys(view, with_print=False).key(home, reads) == first
    # Print on: every page links its poster, so every key changes.
    assert OutputKeys(view, with_print=True).key(home, reads) != first
    # A month later the latest notices have expired: what the home page read differs.
    later = SiteView(view.content, view.now + timedelta(days=30), view.flags)
    later_home = by_path(later)["index.html"]
    assert OutputKeys(later, with_print=False).key(later_home, reads) != first
    # The home page never read the expired notices: a key taken without that read is
    # the same at both moments only if nothing it did read changed.
    assert OutputKeys(later, with_print=False).key(later_home, ("menu_pages",)) == OutputKeys(
        view, with_print=False
    ).key(home, ("menu_pages",))


def test_what_cannot_be_described_gets_no_key_and_is_rendered_every_time(
    view: SiteView,
) -> None:
    home = by_path(view)["index.html"]
    keys = OutputKeys(view, with_print=False)
    assert keys.key(home, ("content",)) is None  # the whole loaded site: no description
    assert keys.key(home, ("no_such_attribute",)) is None
    assert keys.key(Output("x.html", "x", lambda reads: b"", made_of=object()), ()) is None


def test_the_record_keeps_only_outputs_whose_key_and_file_are_as_left(
    view: SiteView, tmp_path: Path
) -> None:
    outputs = [o for o in by_path(view).values() if o.path in ("index.html", "404.html")]
    keys = OutputKeys(view, with_print=False)
    made = {}
    for output in outputs:
        data, reads = render(output)
        (tmp_path / output.path).write_bytes(data)
        made[output.path] = (keys.key(output, reads), reads)
    snapshot = Snapshot(
        outputs=stamps_as_left(tmp_path, made, {}, None),
        inputs={},
        settings="",
        moment=view.now,
        steady=(view.now, view.now),
        pages=2,
        warnings=[],
    )
    record = BuildRecord(snapshot, made)
    assert set(record.unchanged(outputs, keys, tmp_path)) == {"index.html", "404.html"}
    # A file changed by hand is made again, whatever its key says.
    stamp = os.stat(tmp_path / "404.html")
    os.utime(tmp_path / "404.html", ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1))
    assert set(record.unchanged(outputs, keys, tmp_path)) == {"index.html"}
    # Another moment at which the home page shows other notices: rendered again.
    later = SiteView(view.content, view.now + timedelta(days=30), view.flags)
    later_outputs = [o for o in by_path(later).values() if o.path == "index.html"]
    assert record.unchanged(later_outputs, OutputKeys(later, with_print=False), tmp_path) == {}


def test_the_record_says_exact_only_inside_the_steady_window() -> None:
    now = datetime.fromisoformat(NOW)
    record = Snapshot(
        {},
        {"content/a.md": (1, 2)},
        "s",
        now,
        (now - timedelta(days=1), now + timedelta(hours=5)),
        0,
        [],
    )
    assert record.still_exact(
        {"content/a.md": (1, 2)}, now + timedelta(hours=4), "s", Path("/nowhere")
    )
    assert not record.still_exact(
        {"content/a.md": (1, 2)}, now + timedelta(hours=6), "s", Path("/nowhere")
    )
    assert not record.still_exact({"content/a.md": (1, 3)}, now, "s", Path("/nowhere"))
    assert not record.still_exact({"content/a.md": (1, 2)}, now, "other", Path("/nowhere"))


def test_messages_come_in_file_then_line_number_order() -> None:
    def at(path: str, line: int | None) -> Diagnostic:
        return Diagnostic(SourceRef(Path(path), line), "m", severity="warning")

    messages = [at("b.md", 1), at("a.md", 10), at("a.md", None), at("a.md", 9)]
    assert [str(d.where) for d in in_order(messages)] == ["a.md", "a.md:9", "a.md:10", "b.md:1"]
