"""One broken site per promised message.

Each case starts from a small valid site built once into `site/output`, breaks
one thing (or several) the way a person editing the files would, and runs the
real command line. A broken site must give exit status 1, no traceback, the
exact `path:line: error: message` and `    hint: …` lines promised by
docs/content-format.md, and leave the previous output untouched: same bytes,
same modification times, no staging folder left beside it.

The success cases at the end pin down what must *not* be an error: GB18030 and
BOM + CRLF files, the YAML 1.2 reading of `no`, `on` and `10:00`, and notice
dates without an offset read in the site's time zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import NOW, Run, run_sitegen, tree_digest, write_site

NOTICE = "content/notices/x.md"
COMMUNITY = "content/communities/huashan.yaml"
SITE_YAML = "content/site.yaml"
THEME_YAML = "themes/jia/theme.yaml"

SITE_YAML_TEXT = """\
title: 测试县社区办
base_url: https://example.org/sq/
issuer: 测试县社区建设办公室
"""  # three lines: a key added below it is on line 4


def notice(front_matter: str, body: str = "各位居民：\n\n正文。\n") -> str:
    """A notice file: line 1 is `---`, the front matter starts on line 2."""
    return f"---\n{front_matter}---\n{body}"


VALID_NOTICE = notice("title: 测试通知\ndate: 2026-11-19 09:00\n")
# The valid site every case builds first: the conftest site plus the notice x.md,
# so that breaking x.md is an edit of a published notice.
VALID = {NOTICE: VALID_NOTICE}


def diag(where: str, message: str, hint: str | None = None) -> str:
    """One diagnostic as sitegen prints it on stderr."""
    return f"{where}: error: {message}" + (f"\n    hint: {hint}" if hint else "")


def error_blocks(stderr: str) -> list[str]:
    """The error diagnostics in stderr, each with its indented hint lines."""
    blocks: list[list[str]] = []
    for line in stderr.splitlines():
        if line.startswith("    ") and blocks:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return ["\n".join(block) for block in blocks if ": error: " in block[0]]


def leftovers(site: Path) -> list[str]:
    """Staging or old-output folders a build left next to `output/`."""
    return sorted(p.name for p in site.iterdir() if p.name.startswith((".output.", ".output-")))


def build_valid(make_site: Callable[..., Path], valid: dict | None = None) -> Path:
    site = make_site({**VALID, **(valid or {})})
    first = run_sitegen("build", str(site), "--now", NOW, "--no-print")
    assert first.returncode == 0, first.stderr
    assert first.stderr == "", first.stderr
    return site


def change(site: Path, files: dict[str, str | bytes | None]) -> None:
    """Edit the site as a user would: write, replace or (None) delete files."""
    for name, data in files.items():
        if data is None:
            (site / name).unlink()
        else:
            write_site(site, {name: data})


def build_broken(
    make_site: Callable[..., Path],
    broken: dict[str, str | bytes | None],
    valid: dict | None = None,
) -> tuple[Path, dict, Run]:
    site = build_valid(make_site, valid)
    before = tree_digest(site / "output")
    change(site, broken)
    return site, before, run_sitegen("build", str(site), "--now", NOW)


def assert_refused(site: Path, before: dict, run: Run, expected: list[str]) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1, run.stderr
    assert error_blocks(run.stderr) == expected, run.stderr
    count = len(expected)
    assert run.stderr.splitlines()[-1] == (
        f"sitegen: {count} error{'s' if count != 1 else ''} in the content; nothing was written"
    )
    assert "built" not in run.stdout
    assert tree_digest(site / "output") == before
    assert leftovers(site) == []


# --- one broken file, one message ------------------------------------------------------

CAMPAIGN = {"content/campaigns/winter-safety.md": notice("title: 冬季安全宣传\n")}
JIA_THEME = {SITE_YAML: SITE_YAML_TEXT + "theme: jia\n", THEME_YAML: "name: 甲\n"}

CASES = [
    # unknown keys, with "did you mean"
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nexpire: 2026-11-30\n")},
        [diag(f"{NOTICE}:4", "unknown key `expire`", "did you mean `expires`?")],
        None,
        id="notice-unknown-key-expire",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\nhousehold: 1200\n"},
        [diag(f"{COMMUNITY}:2", "unknown key `household`", "did you mean `households`?")],
        None,
        id="community-unknown-key",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\nwebsite: https://example.org/\n"},
        [
            diag(
                f"{COMMUNITY}:2",
                "unknown key `website`",
                "allowed keys: `name`, `households`, `population`, `area_km2`, `formed_from`, "
                "`boundaries`, `office`, `organization`, `staff`, `services`, `boards`, "
                "`description`",
            )
        ],
        None,
        id="community-unknown-key-no-close-match",
    ),
    pytest.param(
        {SITE_YAML: "title: 测试县社区办\nbase_url: https://example.org/sq/\nissuers: 测试县\n"},
        [diag(f"{SITE_YAML}:3", "unknown key `issuers`", "did you mean `issuer`?")],
        None,
        id="site-yaml-unknown-key",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\noffice:\n  adress: 华山路1号\n  phone: 0571-8888\n"},
        [diag(f"{COMMUNITY}:3", "unknown key `adress` in `office`", "did you mean `address`?")],
        None,
        id="nested-map-unknown-key",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\noffice: {adress: 华山路1号}\n"},
        [diag(f"{COMMUNITY}:2", "unknown key `adress` in `office`", "did you mean `address`?")],
        None,
        id="nested-flow-map-unknown-key",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\nboards:\n  - id: b1\n    location: 门口\n    slot: 4\n"},
        [
            diag(
                f"{COMMUNITY}:5",
                "unknown key `slot` in a `boards` entry",
                "did you mean `slots`?",
            )
        ],
        None,
        id="board-entry-unknown-key",
    ),
    # references to things that do not exist
    pytest.param(
        {
            NOTICE: notice(
                "title: 测试通知\ndate: 2026-11-19 09:00\ncommunities: [longchi, huashn]\n"
            )
        },
        [
            diag(
                f"{NOTICE}:4",
                "unknown community `huashn` in `communities`",
                "did you mean `huashan`?",
            )
        ],
        None,
        id="unknown-community-did-you-mean",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\ncommunities: [qingxi]\n")},
        [
            diag(
                f"{NOTICE}:4",
                "unknown community `qingxi` in `communities`",
                "the communities are: huashan, longchi",
            )
        ],
        None,
        id="unknown-community-listed",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\ncampaign: winter-safty\n")},
        [diag(f"{NOTICE}:4", "unknown campaign `winter-safty`", "did you mean `winter-safety`?")],
        CAMPAIGN,
        id="unknown-campaign-did-you-mean",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\ncampaign: winter-safety\n")},
        [diag(f"{NOTICE}:4", "unknown campaign `winter-safety`", "no campaigns are defined")],
        None,
        id="unknown-campaign-none-defined",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\ncategory: 便民服务类\n")},
        [diag(f"{NOTICE}:4", "unknown category `便民服务类`", "did you mean `便民服务`?")],
        None,
        id="unknown-category",
    ),
    # wrong types
    pytest.param(
        {COMMUNITY: "name: 华山社区\nhouseholds: 两千\n"},
        [
            diag(
                f"{COMMUNITY}:2",
                "`households`: expected a whole number, found `两千`",
                "write digits only, for example 1850",
            )
        ],
        None,
        id="households-chinese-numeral",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\nboards:\n  - id: b1\n    location: 门口\n    slots: many\n"},
        [
            diag(
                f"{COMMUNITY}:5",
                "`slots`: expected a whole number, found `many`",
                "write digits only, for example 1850",
            )
        ],
        None,
        id="board-slots-not-a-number",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\npinned: maybe\n")},
        [
            diag(
                f"{NOTICE}:4",
                "`pinned`: expected true or false, found `maybe`",
                "write `true` to turn it on; leave the line out (or write `false`) to turn it off",
            )
        ],
        None,
        id="pinned-maybe",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nurgent: 是\n")},
        [
            diag(
                f"{NOTICE}:4",
                "`urgent`: expected true or false, found `是`",
                "write `true` (in English letters)",
            )
        ],
        None,
        id="urgent-in-chinese",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026/11/20\n")},
        [
            diag(
                f"{NOTICE}:3",
                "`date`: expected a date, found `2026/11/20`",
                "use dashes: write it as 2026-11-20, 2026-11-20 09:00 or 2026-11-20T09:00:00+08:00",
            )
        ],
        None,
        id="date-with-slashes",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-13-45\n")},
        [
            diag(
                f"{NOTICE}:3",
                "`date`: `2026-13-45` is not a real date",
                "write it as 2026-11-20, 2026-11-20 09:00 or 2026-11-20T09:00:00+08:00",
            )
        ],
        None,
        id="date-not-real",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nexpires: 2026-11-18 12:00\n")},
        [
            diag(
                f"{NOTICE}:4",
                "`expires` (2026-11-18 12:00) is not after `date` (2026-11-19 09:00)",
                "a notice must be published before it expires; check the two dates",
            )
        ],
        None,
        id="expires-before-date",
    ),
    pytest.param(
        # A date alone means the end of that day; the message must show the date the
        # user wrote, not the moment it was turned into (2026-11-19 00:00).
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nexpires: 2026-11-18\n")},
        [
            diag(
                f"{NOTICE}:4",
                "`expires` (2026-11-18) is not after `date` (2026-11-19 09:00)",
                "a notice must be published before it expires; check the two dates",
            )
        ],
        None,
        id="expires-date-only-before-date",
    ),
    # required keys
    pytest.param(
        {NOTICE: notice("date: 2026-11-19 09:00\n")},
        [diag(f"{NOTICE}:2", "missing required key `title`", "add a line `title: …`")],
        None,
        id="notice-missing-title",
    ),
    pytest.param(
        {NOTICE: notice("title:\ndate: 2026-11-19 09:00\n")},
        [diag(f"{NOTICE}:2", "`title` is empty", "give it a value")],
        None,
        id="notice-empty-title",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\n")},
        [diag(f"{NOTICE}:2", "missing required key `date`", "add a line `date: …`")],
        None,
        id="notice-missing-date",
    ),
    pytest.param(
        {COMMUNITY: "households: 1200\n"},
        [diag(f"{COMMUNITY}:1", "missing required key `name`", "add a line `name: …`")],
        None,
        id="community-missing-name",
    ),
    # YAML syntax
    pytest.param(
        {NOTICE: notice("title: 时间: 9:30\ndate: 2026-11-19 09:00\n")},
        [
            diag(
                f"{NOTICE}:2",
                "YAML syntax error: mapping values are not allowed in this context",
                "put the value in quotes: it contains ': ' (for example  title: \"时间: 9:30\")",
            )
        ],
        None,
        id="yaml-unquoted-colon",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\ntags:\n\t- 停水\n")},
        [
            diag(
                f"{NOTICE}:5",
                "YAML syntax error: found character that cannot start any token",
                "indent with spaces, not tabs",
            )
        ],
        None,
        id="yaml-tab-indentation",
    ),
    pytest.param(
        {COMMUNITY: "name: 华山社区\noffice:\n\taddress: 华山路1号\n"},
        [
            diag(
                f"{COMMUNITY}:3",
                "YAML syntax error: found character that cannot start any token",
                "indent with spaces, not tabs",
            )
        ],
        None,
        id="yaml-tab-indentation-community",
    ),
    pytest.param(
        # The mistake is the `[` on line 4 that is never closed: that is the line to
        # name, with a hint on how to fix it (PyYAML's problem mark is the next line).
        {
            NOTICE: notice(
                "title: 测试通知\ndate: 2026-11-19 09:00\ntags: [停水, 通知\ncategory: 通知\n"
            )
        },
        [
            diag(
                f"{NOTICE}:4",
                "YAML syntax error: did not find expected ',' or ']'",
                "close the list with `]` (it starts with `[` on line 4)",
            )
        ],
        None,
        id="yaml-unclosed-bracket",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\ntitle: 又一个标题\n")},
        [
            diag(
                f"{NOTICE}:4",
                "the key `title` appears twice (first on line 2)",
                "keep one of them",
            )
        ],
        None,
        id="yaml-duplicate-key",
    ),
    pytest.param(
        {NOTICE: "---\ntitle: 测试通知\ndate: 2026-11-19 09:00\n\n各位居民：\n"},
        [
            diag(
                f"{NOTICE}:1",
                "the front matter is not closed",
                "add a line `---` after the last setting, before the text of the notice",
            )
        ],
        None,
        id="front-matter-not-closed",
    ),
    pytest.param(
        {NOTICE: "title: 测试通知\ndate: 2026-11-19 09:00\n\n各位居民：\n"},
        [
            diag(
                f"{NOTICE}:1",
                "the file does not start with front matter (`---`)",
                "add a line `---` above `title:` and another after the last setting",
            )
        ],
        None,
        id="no-front-matter-settings-at-top",
    ),
    pytest.param(
        {NOTICE: "# 测试通知\n\n各位居民：\n"},
        [
            diag(
                f"{NOTICE}:1",
                "the file does not start with front matter (`---`)",
                "start the file with a line `---`, the settings (title:, date: …), "
                "then another `---`",
            )
        ],
        None,
        id="no-front-matter-at-all",
    ),
    # slugs
    pytest.param(
        {
            NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nslug: water\n"),
            "content/notices/y.md": notice(
                "title: 另一个通知\ndate: 2026-11-19 10:00\nslug: water\n"
            ),
        },
        [
            diag(
                "content/notices/y.md:4",
                "two notice files give the address `water`: content/notices/x.md and "
                "content/notices/y.md",
                "add a different `slug:` to one of them",
            )
        ],
        None,
        id="duplicate-slug",
    ),
    pytest.param(
        {
            NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nslug: y\n"),
            "content/notices/y.md": notice("title: 另一个通知\ndate: 2026-11-19 10:00\n"),
        },
        [
            diag(
                f"{NOTICE}:4",
                "two notice files give the address `y`: content/notices/x.md and "
                "content/notices/y.md",
                "add a different `slug:` to one of them",
            )
        ],
        None,
        id="slug-clashes-with-a-file-name",
    ),
    pytest.param(
        {NOTICE: notice("title: 测试通知\ndate: 2026-11-19 09:00\nslug: 停水 通知\n")},
        [
            diag(
                f"{NOTICE}:4",
                "`slug` may use only a-z, 0-9 and hyphens, found `停水 通知`",
                "write `slug: ting-shui-tong-zhi`",
            )
        ],
        None,
        id="invalid-slug",
    ),
    # links and images
    pytest.param(
        {
            NOTICE: notice(
                "title: 测试通知\ndate: 2026-11-19 09:00\n",
                "各位居民：\n\n详见[停水通知](2026-11-10-停电通知.md)。\n",
            )
        },
        [
            diag(
                f"{NOTICE}:7",
                "the link `2026-11-10-停电通知.md` points at nothing",
                "check the file name; images and attachments go in content/assets/",
            )
        ],
        None,
        id="link-to-missing-notice",
    ),
    pytest.param(
        {
            NOTICE: notice(
                "title: 测试通知\ndate: 2026-11-19 09:00\n",
                "各位居民：\n\n第一段。\n\n![地图](../assets/mapp.svg)\n",
            )
        },
        [
            diag(
                f"{NOTICE}:9",
                "the link `../assets/mapp.svg` points at nothing",
                "check the file name; images and attachments go in content/assets/",
            )
        ],
        {"content/assets/map.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n'},
        id="image-missing-from-assets",
    ),
    # encodings
    pytest.param(
        # "---\ntitle: 测试通知\n" is 24 bytes: the bad bytes start line 3.
        {NOTICE: "---\ntitle: 测试通知\n".encode() + b"\xff\xfe\x00\xd8\x81date: 2026-11-19\n"},
        [
            diag(
                f"{NOTICE}:3",
                "the file is not UTF-8 text: byte offset 24 (0xff) cannot be decoded",
                "re-save the file as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8)",
            )
        ],
        None,
        id="not-utf8-nor-gb18030-mid-file",
    ),
    pytest.param(
        {NOTICE: b"\xff\xfe\x00\xd8\x13\xa7\x9c\x00\xdc\xfe\xff\x80\x81\n"},
        [
            diag(
                f"{NOTICE}:1",
                "the file is not UTF-8 text: byte offset 0 (0xff) cannot be decoded",
                "re-save the file as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8)",
            )
        ],
        None,
        id="not-utf8-nor-gb18030-from-start",
    ),
    # themes
    pytest.param(
        {SITE_YAML: SITE_YAML_TEXT + "theme: nosuch\n"},
        [
            diag(
                f"{SITE_YAML}:4",
                "`theme`: no theme `nosuch` in themes/",
                "available themes: default",
            )
        ],
        None,
        id="site-theme-missing",
    ),
    pytest.param(
        {"content/campaigns/winter-safety.md": notice("title: 冬季安全宣传\ntheme: nosuch\n")},
        [
            diag(
                "content/campaigns/winter-safety.md:3",
                "`theme`: no theme `nosuch` in themes/",
                "available themes: default",
            )
        ],
        CAMPAIGN,
        id="campaign-theme-missing",
    ),
    pytest.param(
        {THEME_YAML: "name: 甲\nextends: nosuch\n"},
        [
            diag(
                f"{THEME_YAML}:2",
                "`extends`: no theme `nosuch` in themes/",
                "available themes: default, jia",
            )
        ],
        JIA_THEME,
        id="theme-extends-missing",
    ),
    pytest.param(
        {THEME_YAML: "name: 甲\npalette:\n  primary: '#b71c1c'\n  link: blue\n"},
        [
            diag(
                f"{THEME_YAML}:4",
                "`palette.link`: expected a colour like #b71c1c, found `blue`",
                'write #rgb or #rrggbb in quotes, for example `"#b71c1c"`',
            )
        ],
        JIA_THEME,
        id="palette-not-a-colour",
    ),
    pytest.param(
        # Unquoted, `#b71c1c` is a YAML comment: the value is empty. The message must
        # say so, not print Python's `None`, and name the line of the value.
        {THEME_YAML: "name: 甲\npalette:\n  primary: #b71c1c\n"},
        [
            diag(
                f"{THEME_YAML}:3",
                "`palette.primary`: expected a colour like #b71c1c, found nothing "
                "(`#` starts a comment in YAML)",
                'quote it: `"#b71c1c"`',
            )
        ],
        JIA_THEME,
        id="palette-unquoted-hash",
    ),
]


@pytest.mark.parametrize(("broken", "expected", "valid"), CASES)
def test_broken_site_is_refused_with_its_message(
    make_site: Callable[..., Path],
    broken: dict[str, str | bytes | None],
    expected: list[str],
    valid: dict | None,
) -> None:
    site, before, run = build_broken(make_site, broken, valid)
    assert_refused(site, before, run, expected)


# --- several broken files: every one reported in one run -------------------------------

SEVERAL_BROKEN = {
    COMMUNITY: "name: 华山社区\nhouseholds: 两千\n",
    "content/notices/w.md": b"---\ntitle: \xff\n",
    NOTICE: notice("title: 测试通知\ndate: 2026/11/19\n"),
    "content/notices/y.md": notice("title: 测试\ndate: 2026-11-19\nexpire: 2026-11-30\n"),
    "content/notices/z.md": notice("title: 时间: 9:30\ndate: 2026-11-19 09:00\n"),
}
SEVERAL_EXPECTED = [
    diag(
        f"{COMMUNITY}:2",
        "`households`: expected a whole number, found `两千`",
        "write digits only, for example 1850",
    ),
    diag(
        "content/notices/w.md:2",
        "the file is not UTF-8 text: byte offset 11 (0xff) cannot be decoded",
        "re-save the file as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8)",
    ),
    diag(
        f"{NOTICE}:3",
        "`date`: expected a date, found `2026/11/19`",
        "use dashes: write it as 2026-11-20, 2026-11-20 09:00 or 2026-11-20T09:00:00+08:00",
    ),
    diag("content/notices/y.md:4", "unknown key `expire`", "did you mean `expires`?"),
    diag(
        "content/notices/z.md:2",
        "YAML syntax error: mapping values are not allowed in this context",
        "put the value in quotes: it contains ': ' (for example  title: \"时间: 9:30\")",
    ),
]


def test_several_broken_files_are_all_reported(make_site: Callable[..., Path]) -> None:
    site, before, run = build_broken(make_site, SEVERAL_BROKEN)
    assert_refused(site, before, run, SEVERAL_EXPECTED)
    assert len(re.findall(r"^content/\S+:\d+: error: ", run.stderr, re.M)) == 5


def test_a_broken_site_yaml_does_not_hide_the_other_files(
    make_site: Callable[..., Path],
) -> None:
    """An unknown key in site.yaml leaves a usable configuration: report everything."""
    broken = {
        **SEVERAL_BROKEN,
        SITE_YAML: "title: 测试县社区办\nbase_url: https://example.org/sq/\nissuers: 测试县\n",
    }
    site, before, run = build_broken(make_site, broken)
    expected = [
        *SEVERAL_EXPECTED,
        diag(f"{SITE_YAML}:3", "unknown key `issuers`", "did you mean `issuer`?"),
    ]
    assert_refused(site, before, run, expected)
    assert len(re.findall(r"^content/\S+:\d+: error: ", run.stderr, re.M)) == 6


# --- what must build: encodings -------------------------------------------------------

ENCODED_NOTICE = notice(
    "title: 编码测试通知\ndate: 2026-11-19 09:00\n", "各位居民：\n\n请注意用水安全。\n"
)


def build_changed(make_site: Callable[..., Path], files: dict, *args: str) -> tuple[Path, Run]:
    site = build_valid(make_site)
    change(site, files)
    run = run_sitegen("build", str(site), "--now", NOW, "--no-print", *args)
    assert "Traceback" not in run.stderr, run.stderr
    return site, run


def test_gb18030_notice_builds_with_a_warning(make_site: Callable[..., Path]) -> None:
    site, run = build_changed(make_site, {NOTICE: ENCODED_NOTICE.encode("gb18030")})
    assert run.returncode == 0, run.stderr
    assert run.stderr.splitlines() == [
        f"{NOTICE}: warning: the file is saved as GBK/GB18030, not UTF-8; it was read, "
        "but other tools may not",
        "    hint: re-save it as UTF-8 (in Notepad: File > Save As > Encoding: UTF-8; "
        "in VS Code: click 'GB 18030' in the status bar > Save with Encoding > UTF-8)",
    ]
    page = (site / "output/notices/x/index.html").read_text(encoding="utf-8")
    assert "编码测试通知" in page
    assert "请注意用水安全。" in page


def test_utf8_bom_and_crlf_notice_builds_without_a_warning(
    make_site: Callable[..., Path],
) -> None:
    data = b"\xef\xbb\xbf" + ENCODED_NOTICE.replace("\n", "\r\n").encode("utf-8")
    site, run = build_changed(make_site, {NOTICE: data})
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    page = (site / "output/notices/x/index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1>\s*编码测试通知\s*</h1>", page)
    assert "请注意用水安全。" in page
    assert "\ufeff" not in page
    assert "\r" not in page


# --- what must build: the YAML 1.2 reading --------------------------------------------


def test_yaml_1_2_text_stays_as_written(make_site: Callable[..., Path]) -> None:
    site, run = build_changed(
        make_site,
        {
            NOTICE: notice("title: no\ndate: 2026-11-19 09:00\ntags: [yes, on, 10:00]\n"),
            COMMUNITY: "name: 华山社区\noffice: {hours: 8:30-17:00, phone: 0571-8888}\n",
        },
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    page = (site / "output/notices/x/index.html").read_text(encoding="utf-8")
    assert re.search(r"<h1>\s*no\s*</h1>", page)
    for tag in ("yes", "on", "10:00"):
        assert re.search(rf">\s*{re.escape(tag)}\s*<", page), tag
    assert "False" not in page and "True" not in page and ">600<" not in page
    community = (site / "output/communities/huashan/index.html").read_text(encoding="utf-8")
    assert "8:30-17:00" in community
    assert "0571-8888" in community


# --- what must build: dates without an offset are in the site's time zone -------------


@pytest.mark.parametrize(
    ("now", "published"),
    [
        ("2026-11-20T08:30:00+08:00", True),
        ("2026-11-20T00:30:00Z", True),
        ("2026-11-20T07:30:00+08:00", False),
        ("2026-11-19T23:30:00Z", False),
    ],
)
def test_notice_date_without_offset_is_site_time(
    make_site: Callable[..., Path], now: str, published: bool
) -> None:
    site = build_valid(make_site)
    change(site, {NOTICE: notice("title: 测试通知\ndate: 2026-11-20 08:00\n")})
    run = run_sitegen("build", str(site), "--now", now, "--no-print")
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 0, run.stderr
    assert (site / "output/notices/x/index.html").exists() == published


# --- the output folder guard ----------------------------------------------------------


def test_out_the_site_folder_itself_is_refused(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = build_valid(make_site)
    before = tree_digest(tmp_path)
    run = run_sitegen("build", str(site), "--now", NOW, "--out", str(site))
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"sitegen: {site}: the output folder would contain your site's own files",
        "    hint: build into a folder of its own, for example --out output",
    ]
    assert tree_digest(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert leftovers(site) == []


def test_out_a_folder_containing_the_site_is_refused(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = build_valid(make_site)
    before = tree_digest(tmp_path)
    run = run_sitegen("build", str(site), "--now", NOW, "--out", str(tmp_path))
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"sitegen: {tmp_path}: the output folder would contain your site's own files",
        "    hint: build into a folder of its own, for example --out output",
    ]
    assert tree_digest(tmp_path) == before


def test_out_a_folder_inside_content_is_refused(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    """Output under content/ would be read back as content (assets) by the next build."""
    site = build_valid(make_site)
    before = tree_digest(tmp_path)
    out = site / "content" / "assets" / "public"
    run = run_sitegen("build", str(site), "--now", NOW, "--out", str(out))
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1, run.stdout
    lines = run.stderr.splitlines()
    assert lines[0].startswith(f"sitegen: {out}: "), run.stderr
    assert lines[-1] == "    hint: build into a folder of its own, for example --out output"
    assert not out.exists()
    assert tree_digest(tmp_path) == before


def test_out_a_folder_sitegen_did_not_make_is_refused(
    make_site: Callable[..., Path], tmp_path: Path
) -> None:
    site = build_valid(make_site)
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "report.docx").write_bytes(b"PK\x03\x04 a report")
    (foreign / "photos").mkdir()
    (foreign / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff")
    before = tree_digest(tmp_path)
    run = run_sitegen("build", str(site), "--now", NOW, "--out", str(foreign))
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1
    assert run.stderr.splitlines() == [
        f"sitegen: {foreign}: this folder has files that sitegen did not make "
        "(photos, report.docx…), and a build replaces the whole folder",
        "    hint: choose an empty or new folder with --out, or empty this one first",
    ]
    assert tree_digest(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "site"]


def test_two_board_packs_at_one_path_are_an_error_naming_both_boards(
    make_site: Callable[..., Path],
) -> None:
    """Community `a-b` with board `c` and community `a` with board `b-c` would both
    make print/boards/a-b-c.pdf: print outputs are checked with the rest of the plan."""
    site = build_valid(make_site, None)
    before = tree_digest(site / "output")
    board = "boards:\n  - id: {id}\n    location: 门口\n"
    change(
        site,
        {
            "content/communities/a-b.yaml": "name: 甲乙社区\n" + board.format(id="c"),
            "content/communities/a.yaml": "name: 甲社区\n" + board.format(id="b-c"),
        },
    )
    for command in ("build", "print", "check"):
        run = run_sitegen(command, str(site), "--now", NOW)
        assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
        assert "content/communities/a-b.yaml:3 (board `c`)" in run.stderr, run.stderr
        assert "content/communities/a.yaml:3 (board `b-c`)" in run.stderr
        assert "would both be written to `print/boards/a-b-c.pdf`" in run.stderr
        assert "hint: give one of the boards another `id:`" in run.stderr
        assert tree_digest(site / "output") == before
