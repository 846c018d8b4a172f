"""The `sitegen` command: argument parsing and exit codes over the pipeline."""

from __future__ import annotations

import argparse
import gc
import sys
from datetime import UTC, datetime
from pathlib import Path

from sitegen import __version__
from sitegen.errors import ContentError, Diagnostic, UserError, fault_message
from sitegen.site.visibility import Flags


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except ContentError as err:
        _print_diagnostics(err.diagnostics)
        print(f"sitegen: {err}; nothing was written", file=sys.stderr)
        return 1
    except UserError as err:
        print(f"sitegen: {err}", file=sys.stderr)
        return 1
    except OSError as err:  # the system's fault, not the content's: a full disk, a read-only folder
        print(f"sitegen: {fault_message(err)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sitegen: stopped; nothing already published was changed", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sitegen",
        description="Build a community website and its print outputs from content/ and themes/.",
    )
    parser.add_argument("--version", action="version", version=f"sitegen {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser("build", help="build the site into output/")
    _site_arguments(build)
    build.add_argument("--out", type=Path, help="the output folder (default: SITE/output)")
    build.add_argument("--drafts", action="store_true", help="include drafts")
    build.add_argument("--future", action="store_true", help="include notices dated after now")
    build.add_argument("--no-print", action="store_true", help="skip the print outputs (PDF)")
    build.add_argument(
        "--no-search", action="store_true", help="skip the search index (and the pages' search box)"
    )
    build.add_argument("--no-cache", action="store_true", help="use nothing from earlier builds")
    _strict_argument(build)
    build.set_defaults(run=_run_build)

    check = commands.add_parser(
        "check", help="check the content as a build with print would, writing nothing to output/"
    )
    _site_arguments(check)
    _strict_argument(check)
    check.set_defaults(run=_run_check)

    printing = commands.add_parser(
        "print", help="make just the print outputs (PDF) into output/print/"
    )
    _site_arguments(printing)
    printing.add_argument("--out", type=Path, help="the output folder (default: SITE/output)")
    printing.add_argument(
        "--only", choices=("posters", "boards", "banners", "handouts"), help="only these"
    )
    printing.add_argument(
        "--notice", metavar="SLUG", help="only this notice's poster and the board packs it is on"
    )
    printing.add_argument("--no-cache", action="store_true", help="use nothing from earlier builds")
    printing.set_defaults(run=_run_print)

    boards = commands.add_parser("boards", help="the bulletin boards: record a posting round")
    board_actions = boards.add_subparsers(title="actions", metavar="ACTION")
    posted = board_actions.add_parser(
        "posted", help="record that the posters due now were put up (content/postings.yaml)"
    )
    _site_arguments(posted)
    posted.add_argument(
        "--board",
        action="append",
        default=[],
        metavar="COMMUNITY/BOARD",
        help="only this board (repeatable; default: every board)",
    )
    posted.set_defaults(run=_run_boards_posted)

    publish = commands.add_parser(
        "publish", help="send the built site to the web host: only what changed, safely"
    )
    _site_arguments(publish)
    publish.add_argument(
        "--to",
        required=True,
        metavar="TARGET",
        help="a folder, ftp://user@host/path, ftps://…, sftp://…, s3://bucket/prefix, "
        "or the name of a target under `publish:` in site.yaml",
    )
    publish.add_argument("--out", type=Path, help="the output folder (default: SITE/output)")
    publish.add_argument("--dry-run", action="store_true", help="only show the plan")
    publish.add_argument("--yes", action="store_true", help="do not ask before changing anything")
    publish.add_argument(
        "--max-deletes",
        type=int,
        metavar="N",
        help="stop before any change if the plan deletes more files (default: a quarter "
        "of what is published, at least 20)",
    )
    publish.add_argument(
        "--force", action="store_true", help="publish the output folder even if it is out of date"
    )
    publish.add_argument(
        "--insecure",
        action="store_true",
        help="do not check the FTPS server's certificate (only on a network you trust)",
    )
    publish.add_argument(
        "--forget-manifest",
        action="store_true",
        help="do not read the target's manifest (one that was refused): send every file, "
        "delete nothing, write a clean manifest",
    )
    publish.add_argument(
        "--trust-host",
        action="store_true",
        help="record that the password may be sent to this target's host from this PC, "
        "then stop (for scripts and scheduled tasks)",
    )
    publish.set_defaults(run=_run_publish)

    serve = commands.add_parser(
        "serve", help="preview the site, rebuilt and reloaded on every save"
    )
    serve.add_argument(
        "site", nargs="?", type=Path, default=Path("."), help="the site folder (default: here)"
    )
    serve.add_argument("--port", type=_port, default=8000)
    serve.add_argument(
        "--host", default="127.0.0.1", help="the address to listen on (default: this computer only)"
    )
    serve.add_argument("--base-path", default="/", help="serve under this path, e.g. /community/")
    serve.add_argument("--poll", action="store_true", help="poll for changes (network drives)")
    serve.add_argument(
        "--no-drafts", action="store_true", help="hide drafts and notices not yet due"
    )
    serve.set_defaults(run=_run_serve)

    new = commands.add_parser("new", help="start a new content file")
    new_kinds = new.add_subparsers(title="kinds", metavar="KIND")
    notice = new_kinds.add_parser("notice", help="a new notice in content/notices/")
    notice.add_argument("title", help="the notice's title")
    notice.add_argument(
        "--site", type=Path, default=Path("."), help="the site folder (default: here)"
    )
    notice.add_argument(
        "--community", action="append", default=[], help="a community slug (repeatable)"
    )
    notice.add_argument("--category", help="one of the categories in site.yaml")
    notice.add_argument("--now", help="the date to put on it (default: now)")
    notice.set_defaults(run=_run_new_notice)

    init = commands.add_parser("init", help="make a new site in FOLDER")
    init.add_argument("folder", type=Path)
    init.set_defaults(run=_run_init)
    return parser


def _site_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "site", nargs="?", type=Path, default=Path("."), help="the site folder (default: here)"
    )
    parser.add_argument(
        "--now", help="build as of this moment, e.g. 2026-11-20 or 2026-11-20T09:00+08:00"
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"`{text}` is not a port: give a number from 1 to 65535 (0: any free one)"
        )
    return port


def _strict_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict", action="store_true", help="fail on any warning (nothing is written)"
    )


def _now(text: str | None, site: Path) -> datetime:
    """`--now` read in the site's time zone (site.yaml's), or the present moment there."""
    from sitegen.content.fields import Invalid, parse_moment
    from sitegen.sitefolder.settings import site_timezone

    tz = site_timezone(site)
    if text is None:
        return datetime.now(tz)
    try:
        return parse_moment(text, tz)
    except Invalid as err:
        raise UserError(f"--now: {err.message}", err.hint) from err


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def _run_build(args: argparse.Namespace) -> int:
    from sitegen.build import build

    out = args.out if args.out is not None else args.site / "output"
    report = build(
        args.site,
        out,
        # The present moment in any zone will do for the build record's question;
        # a build that runs sees it in the site's (reading site.yaml costs imports).
        datetime.now(UTC) if args.now is None else _now(args.now, args.site),
        Flags(drafts=args.drafts, future=args.future),
        with_print=not args.no_print,
        with_search=not args.no_search,
        use_cache=not args.no_cache,
        strict=args.strict,
    )
    if report.warnings:
        print("\n".join(report.warnings), file=sys.stderr)
    print(report.summary() + f" -> {out}")
    if report.print is not None and not report.already_exact:
        print(report.print.posters())
    # What the build loaded stays referenced until the process ends (the parse cache
    # keeps decoded items for a next build in the same process, as `serve` makes).
    # Frozen, it is left out of the collector's last walk at exit: a third of a
    # second at ten thousand notices. Exit handlers and finalisers all still run.
    gc.freeze()
    return 0


def _run_publish(args: argparse.Namespace) -> int:
    from sitegen.publish.run import publish
    from sitegen.publish.targets import TargetError, parse_target, shown
    from sitegen.sitefolder.settings import read_settings

    config = read_settings(args.site)
    named = config.publish if config is not None else {}
    try:
        if args.to in named:
            url, options = named[args.to]
            target = parse_target(url, options)
        else:
            target = parse_target(args.to)
    except TargetError as err:
        raise UserError(f"--to {shown(args.to)}: {err.message}", err.hint) from err
    if args.trust_host:
        from sitegen.publish.trust import host_of, trust

        kept = trust(target)
        print(f"the publish password may now be sent to {host_of(target)} (kept in {kept})")
        return 0
    report = publish(
        args.site,
        args.out if args.out is not None else args.site / "output",
        target,
        _now(args.now, args.site),
        dry_run=args.dry_run,
        assume_yes=args.yes,
        max_deletes=args.max_deletes,
        force=args.force,
        insecure=args.insecure,
        forget_manifest=args.forget_manifest,
    )
    print(report.summary())
    return 0


def _run_print(args: argparse.Namespace) -> int:
    from sitegen.pipeline import print_only

    out = args.out if args.out is not None else args.site / "output"
    report = print_only(
        args.site,
        out,
        _now(args.now, args.site),
        args.only,
        args.notice,
        use_cache=not args.no_cache,
    )
    _print_diagnostics(report.warnings)
    print(f"printed {report.summary()} -> {out / 'print'}")
    if args.notice is None:
        print(report.posters())
    print(f"made {report.made()}")
    return 0


def _run_boards_posted(args: argparse.Namespace) -> int:
    from sitegen.boards import record_posted

    now = _now(args.now, args.site)
    path, rounds = record_posted(args.site, now, args.board)
    posters = sum(len(round_.posters) for round_ in rounds)
    print(
        f"recorded a posting round at {now:%Y-%m-%d %H:%M} for {len(rounds)} "
        f"board{'s' if len(rounds) != 1 else ''} ({posters} posters) in {path}"
    )
    return 0


def _run_serve(args: argparse.Namespace) -> int:
    from sitegen.serve import serve

    shown = not args.no_drafts
    return serve(
        args.site,
        args.host,
        args.port,
        args.base_path,
        Flags(drafts=shown, future=shown),
        args.poll,
    )


def _run_check(args: argparse.Namespace) -> int:
    """The whole build, pages and print, into the cache folder instead of output/: so
    `check` finds exactly what `build` would (and fills the caches a build then uses)."""
    from sitegen.build import build
    from sitegen.incremental.cache_db import CACHE_DIR
    from sitegen.sitefolder.sitefiles import list_content_files

    report = build(
        args.site,
        args.site / CACHE_DIR / "check",
        datetime.now(UTC) if args.now is None else _now(args.now, args.site),
        Flags(),
        strict=args.strict,
    )
    if report.warnings:
        print("\n".join(report.warnings), file=sys.stderr)
    files = list_content_files(args.site / "content").files
    counts = {
        folder: sum(1 for path in files if path.startswith(f"{folder}/") and path.endswith(ends))
        for folder, ends in (
            ("notices", ".md"),
            ("communities", (".yaml", ".yml")),
            ("campaigns", ".md"),
            ("pages", ".md"),
        )
    }
    count = len(report.warnings)
    print(
        f"checked {counts['notices']} notices, {counts['communities']} communities, "
        f"{counts['campaigns']} campaigns, {counts['pages']} pages, as a build with print "
        f"would make them: no errors, {count} warning{'s' if count != 1 else ''}"
    )
    return 0


def _run_new_notice(args: argparse.Namespace) -> int:
    from sitegen.scaffold import new_notice

    path = new_notice(
        args.site, args.title, _now(args.now, args.site), args.community, args.category
    )
    print(f"created {path}")
    return 0


def _run_init(args: argparse.Namespace) -> int:
    from sitegen.scaffold import init_site

    init_site(args.folder)
    print(f"made a new site in {args.folder}; next: cd {args.folder} && sitegen build")
    return 0
