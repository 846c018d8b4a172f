"""Keys cannot lie, field by field: every field of every model type (found with
dataclasses.fields(), never listed here) is changed in turn on one item of the
example, the site is planned and rendered again in this process, and every output
whose bytes changed must have a new key. Keys that change while the bytes do not
cost a render, never a stale page; for a body edit they are counted."""

from __future__ import annotations

import dataclasses
import typing
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import NOW, REPO

from sitegen.incremental.keys import OutputKeys
from sitegen.model import Body, Campaign, Community, Notice, Page
from sitegen.outputs.planning import plan
from sitegen.outputs.render import Renderer
from sitegen.pipeline import load_view
from sitegen.site.view import SiteView

MODEL_TYPES = (Notice, Page, Campaign, Community)
NOT_DESCRIBED = {"body", "identity"}  # the body has its own case below; identity is derived


@pytest.fixture(scope="module")
def base() -> tuple[SiteView, dict[str, tuple[bytes, str | None]]]:
    view, _warnings = load_view(
        REPO, datetime.fromisoformat(NOW), use_cache=False, keep_cache=False
    )
    return view, rendered(view)


def rendered(view: SiteView) -> dict[str, tuple[bytes, str | None]]:
    """Every output but the copied files, with its bytes and its key."""
    keys = OutputKeys(view, with_print=False)
    found = {}
    for output in plan(Renderer(view, with_print=False)):
        if output.copy_from is not None:
            continue
        reads: set[str] = set()
        data = output.data(reads)
        found[output.path] = (data, keys.key(output, tuple(sorted(reads))))
    return found


def changed(value: object, hint: object, name: str, view: SiteView) -> object:
    """Another value of the field's type, one a site could hold."""
    kinds = typing.get_args(hint) or (hint,)
    if name == "campaign":  # a campaign of the site, or none, as the loader insists
        return None if value else view.content.campaigns[0].slug
    if value is None:
        for kind in kinds:
            if kind is datetime:
                return view.now + timedelta(days=40)
            if kind is str:
                return "新的"
            if kind is int:
                return 3
            if dataclasses.is_dataclass(kind):
                return kind()
        return None
    if name == "slug":
        return f"{value}-gai"
    if name == "communities":
        return () if value else ("huashan",)
    if name == "category":  # one of the site's categories, as the loader insists
        return next(c for c in view.config.categories if c != value)
    if name == "source":
        return value.with_name("gai-" + value.name)
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "改"
    if isinstance(value, datetime):
        return value - timedelta(days=1)
    if isinstance(value, date):
        return value - timedelta(days=1)
    if isinstance(value, Path):
        return value.with_name("gai-" + value.name)
    if isinstance(value, frozenset):
        return value | {"assets/gai.png"}
    if isinstance(value, tuple):
        if value and dataclasses.is_dataclass(value[0]):
            return (dataclasses.replace(value[0], **_one_field(value[0], view)), *value[1:])
        return (*value, "改")
    if isinstance(value, dict):
        return (
            {**value, "新": "改"}
            if not value or isinstance(next(iter(value.values())), str)
            else {}
        )
    if dataclasses.is_dataclass(value):
        return dataclasses.replace(value, **_one_field(value, view))
    raise AssertionError(f"no other value known for {type(value).__name__} ({name})")


def _one_field(record: object, view: SiteView) -> dict[str, object]:
    hints = typing.get_type_hints(type(record))
    first = next(f for f in dataclasses.fields(record) if f.init)
    return {first.name: changed(getattr(record, first.name), hints[first.name], first.name, view)}


def with_item(view: SiteView, old: object, new: object) -> SiteView:
    """The view with `old` replaced by `new`, and what names `old` by its slug renamed
    with it (as a renamed file whose references were mended would give)."""
    content = view.content
    group = {Notice: "notices", Page: "pages", Campaign: "campaigns", Community: "communities"}[
        type(old)
    ]
    changes: dict[str, object] = {
        group: tuple(new if item is old else item for item in getattr(content, group))
    }
    if old.slug != new.slug and isinstance(old, Community | Campaign):
        field = "communities" if isinstance(old, Community) else "campaign"

        def renamed(notice: Notice) -> Notice:
            value = getattr(notice, field)
            if isinstance(value, tuple) and old.slug in value:
                value = tuple(new.slug if slug == old.slug else slug for slug in value)
            elif value == old.slug:
                value = new.slug
            else:
                return notice
            return dataclasses.replace(notice, **{field: value}, identity="")

        changes["notices"] = tuple(renamed(n) for n in content.notices)
        if isinstance(old, Campaign):
            themes = dict(content.campaign_themes)
            themes[new.slug] = themes.pop(old.slug)
            changes["campaign_themes"] = themes
        else:
            changes["postings"] = ()
    return SiteView(dataclasses.replace(content, **changes), view.now, view.flags)


def pick(view: SiteView, kind: type) -> object:
    return {
        Notice: lambda: view.current[0],
        Page: lambda: view.content.pages[0],
        Campaign: lambda: view.content.campaigns[0],
        Community: lambda: view.content.communities[0],
    }[kind]()


def fields_of(kind: type) -> list[str]:
    return [f.name for f in dataclasses.fields(kind) if f.init and f.name not in NOT_DESCRIBED]


CASES = [(kind, name) for kind in MODEL_TYPES for name in fields_of(kind)]


@pytest.mark.parametrize(("kind", "name"), CASES, ids=[f"{k.__name__}.{n}" for k, n in CASES])
def test_changing_any_field_gives_every_output_it_changes_a_new_key(
    base, kind: type, name: str
) -> None:
    view, before = base
    item = pick(view, kind)
    hints = typing.get_type_hints(kind)
    new_value = changed(getattr(item, name), hints[name], name, view)
    if new_value == getattr(item, name):
        pytest.skip(f"{kind.__name__}.{name}: no other value to try")  # never so today
    fresh = {"identity": ""} if "identity" in fields_of_all(kind) else {}
    after = rendered(with_item(view, item, dataclasses.replace(item, **{name: new_value}, **fresh)))
    stale = [
        path
        for path in before.keys() & after.keys()
        if before[path][0] != after[path][0] and before[path][1] == after[path][1] is not None
    ]
    assert stale == [], f"{kind.__name__}.{name} changed these, their keys did not: {stale[:5]}"


def fields_of_all(kind: type) -> set[str]:
    return {f.name for f in dataclasses.fields(kind)}


def test_a_body_edit_gives_new_keys_only_to_what_shows_the_notice(base) -> None:
    view, before = base
    notice = view.current[0]
    edited = dataclasses.replace(
        notice, body=Body(notice.body_html + "<p>补充。</p>"), digest="edited", identity=""
    )
    after = rendered(with_item(view, notice, edited))
    new_keys = {path for path in before if before[path][1] != after[path][1]}
    new_bytes = {path for path in before if before[path][0] != after[path][0]}
    assert new_bytes <= new_keys
    page = f"notices/{notice.slug}/index.html"
    assert page in new_keys
    shown = {path for path, (data, _key) in before.items() if notice.title.encode() in data}
    # The overviews count the notices of each term, month and community: they read
    # those lists whole, so any notice's edit is a new key for them (a render, not
    # a stale page).
    overviews = {f"{kind}/index.html" for kind in ("archive", "categories", "tags", "communities")}
    feeds_and_search = {p for p in before if p.startswith("search/") or p.endswith(".xml")}
    expected = shown | overviews | feeds_and_search
    assert new_keys <= expected, sorted(new_keys - expected)[:10]
    # what it came to for the example (the closing note quotes it)
    print(f"body edit: {len(new_keys)} of {len(before)} keys new, {len(new_bytes)} outputs changed")
