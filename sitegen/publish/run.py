"""`sitegen publish`: check that the output folder is the site as meant, plan against
the target's manifest, and carry the plan out safely.

Safe means: only what changed is sent, each file through a temporary name; the
order never links to what is not there yet (plan.py); nothing is deleted after
an error, nor more than the limit, nor anything sitegen did not put there (the
manifest lists what it did); the manifest is written as files land (at most
every CHECKPOINT_S seconds), so an interrupted publish is finished by the next.
"""

from __future__ import annotations

import contextlib
import ftplib
import getpass
import os
import posixpath
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sitegen.content.names import path_problem
from sitegen.errors import UserError, printable
from sitegen.progress import Progress
from sitegen.publish import manifest, trust
from sitegen.publish.asking import agreed
from sitegen.publish.plan import Plan, deletion_limit, make_plan
from sitegen.publish.targets import Target
from sitegen.publish.transport import Transport, connect, folders_of, part_name

CHECKPOINT_S = 10.0
PASSWORD_VARIABLE = "SITEGEN_PUBLISH_PASSWORD"
FAULTS = (OSError, EOFError, *ftplib.all_errors)  # a target that fails mid-way


@dataclass
class PublishReport:
    target: Target
    plan: Plan
    sent: int = 0
    deleted: int = 0
    seconds: float = 0.0
    done: bool = False  # the plan was carried out (not a dry run, not refused)

    def summary(self) -> str:
        if not self.plan.changes:
            return f"{self.target} is up to date: nothing to send or delete"
        if not self.done:
            return f"nothing was changed on {self.target}"
        return (
            f"published to {self.target}: {self.sent} files sent "
            f"({_size(self.plan.send_bytes)}), {self.deleted} deleted, "
            f"{self.plan.unchanged} unchanged, in {self.seconds:.1f} s"
        )


def describe(plan: Plan, target: Target, listed: int = 20) -> str:
    """The plan in words, with what it deletes in full and the first files it sends."""
    lines = [
        f"plan for {target}: send {len(plan.send)} files ({_size(plan.send_bytes)}), "
        f"delete {len(plan.delete)}, {plan.unchanged} unchanged"
    ]
    lines += [f"  + {path}" for path in plan.send[:listed]]
    if len(plan.send) > listed:
        lines.append(f"  + … and {len(plan.send) - listed} more")
    lines += [f"  - {path}" for path in plan.delete]
    if plan.stale_parts:
        lines.append(f"  and {len(plan.stale_parts)} part file(s) a stopped publish left, removed")
    return "\n".join(lines)


def published_files(site_dir: Path, out_dir: Path, now: datetime, force: bool) -> list[str]:
    """The files of `out_dir` to publish: those its last build made, once it is shown to
    be the site as meant (built without --drafts or --future, nothing changed since,
    no notice come due or expired since). With `force`, what is there even if out of
    date, but never a build with drafts or notices not yet due."""
    from sitegen.build import recorded_flags
    from sitegen.incremental.cache_db import cache_file
    from sitegen.incremental.record import BuildRecords, input_stamps
    from sitegen.site.visibility import NO_FLAGS
    from sitegen.sitefolder.sitefiles import list_content_files
    from sitegen.writer import output_files

    if not out_dir.is_dir():
        raise UserError(f"{out_dir}: no output folder to publish", "run `sitegen build` first")
    record = BuildRecords(cache_file(site_dir), out_dir).load_snapshot()
    rebuild = "run `sitegen build` first (or publish with --force)"
    if record is None:
        if force:  # nothing tells how it was built: the user said to publish it anyway
            return sorted(output_files(out_dir))
        raise UserError(f"{out_dir} has no build on record here (or its last one failed)", rebuild)
    flags = recorded_flags(record.settings)
    if flags is None:
        if force:
            return sorted(output_files(out_dir))
        raise UserError(f"{out_dir} was built by another version of sitegen", rebuild)
    if flags != NO_FLAGS:  # never published, --force or not: drafts are not for residents
        shown = " and ".join(
            name for name, on in (("--drafts", flags.drafts), ("--future", flags.future)) if on
        )
        raise UserError(
            f"{out_dir} was built with {shown}: it shows notices that are not published",
            f"build it without {shown} before publishing",
        )
    if force:
        return sorted(record.outputs)
    inputs = input_stamps(site_dir, list_content_files(site_dir / "content"))
    why = record.out_of_date(inputs, now, record.settings, out_dir)
    reasons = {
        "inputs": "the content (or a theme, or sitegen) has changed since it was built",
        "time": "notices have come due or expired since it was built",
        "outputs": "files in it were changed or removed since it was built",
    }
    if why is not None:
        raise UserError(f"{out_dir} is out of date: {reasons[why]}", rebuild)
    return sorted(record.outputs)


def publish(
    site_dir: Path,
    out_dir: Path,
    target: Target,
    now: datetime,
    *,
    dry_run: bool = False,
    assume_yes: bool = False,
    max_deletes: int | None = None,
    force: bool = False,
    insecure: bool = False,
    forget_manifest: bool = False,
    say: Callable[[str], None] = print,
    warn: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
) -> PublishReport:
    """`forget_manifest`: the target's manifest is not read (one that was refused):
    every file is sent, nothing deleted, and a clean manifest written."""
    _refuse_overlap(target, site_dir, out_dir)
    files = published_files(site_dir, out_dir, now, force)
    _refuse_names_the_target_cannot_hold(files, target)
    local = manifest.digests(out_dir, files)
    if target.scheme == "ftp" and target.user:
        warn(
            f"warning: {target} is plain FTP: the password and the files travel unencrypted\n"
            "    hint: if the host offers it, publish to ftps:// or sftp:// instead"
        )
    started = time.perf_counter()
    try:
        transport = connect(target, _password(target), insecure=insecure)
    except FAULTS as err:
        raise UserError(f"cannot reach {target}: {_fault(err)}", _reach_hint(target)) from err
    try:
        remote = manifest.Manifest() if forget_manifest else _read_manifest(transport, target)
        plan = make_plan(local, remote)
        report = PublishReport(target, plan)
        say(describe(plan, target))
        transport.check_folders([*plan.send, *plan.delete, *plan.stale_parts])
        if dry_run or not plan.changes:
            return report
        limit = deletion_limit(len(local)) if max_deletes is None else max_deletes
        if len(plan.delete) > limit:
            raise UserError(
                f"the plan deletes {len(plan.delete)} files from {target}, more than "
                f"--max-deletes ({limit}): nothing was changed",
                "check that you are publishing the right output folder; if so, give "
                f"--max-deletes {len(plan.delete)}",
            )
        if not assume_yes and not _confirmed(target):
            return report
        _carry_out(transport, plan, local, remote.files, out_dir, report)
    finally:
        _close(transport)
    report.seconds = time.perf_counter() - started
    report.done = True
    return report


def _read_manifest(transport: Transport, target: Target) -> manifest.Manifest:
    try:
        data = transport.read(manifest.MANIFEST)
        return manifest.Manifest() if data is None else manifest.decode(data)
    except manifest.ManifestError as err:
        raise UserError(
            str(err),
            f"check who else writes to {target}; then `sitegen publish --to {target} "
            "--forget-manifest` sends every file, deletes nothing and writes a clean manifest",
        ) from err


def _refuse_names_the_target_cannot_hold(files: list[str], target: Target) -> None:
    """Every name checked before anything is sent: one the rules of sitegen's own
    output refuse (a bug, or an output folder changed by hand), or one an FTP
    server's encoding cannot spell (an emoji for a GBK server)."""
    encoding = target.options.get("encoding", "utf-8") if target.scheme.startswith("ftp") else None
    bad = []
    for path in files:
        problem = path_problem(path)
        if problem is None and encoding is not None:
            try:
                f"{target.path}/{path}".encode(encoding)
            except UnicodeEncodeError:
                problem = f"a {encoding} server cannot hold its name"
        if problem:
            bad.append(f"    {printable(path)}: {problem}")
    if bad:
        raise UserError(
            f"{len(bad)} file{'s' if len(bad) != 1 else ''} of the output cannot be published "
            f"to {target}; nothing was sent:\n" + "\n".join(bad[:20]),
            "rename the files in content/ (letters, digits, hyphens and Chinese characters), "
            "change the links to them, build, and publish again",
        )


def _carry_out(
    transport: Transport,
    plan: Plan,
    local: dict[str, tuple[str, int]],
    remote: dict[str, str],
    out_dir: Path,
    report: PublishReport,
) -> None:
    """Send, then delete, recording each file in the manifest as it lands. The
    manifest also names what is on its way, so that part files a stopped publish
    leaves are known to the next; whatever stops this one, what landed is saved."""
    landed = dict(remote)
    unsent = set(plan.send) | set(plan.stale_parts)
    progress = Progress("publishing", len(plan.send) + len(plan.delete))
    current = manifest.MANIFEST
    try:
        if plan.send:
            transport.write(manifest.MANIFEST, manifest.encode(landed, unsent))
        last_checkpoint = time.monotonic()
        for current in plan.send:
            transport.write(current, (out_dir / current).read_bytes())
            landed[current] = local[current][0]
            unsent.discard(current)
            report.sent += 1
            progress.step()
            if time.monotonic() - last_checkpoint > CHECKPOINT_S:
                transport.write(manifest.MANIFEST, manifest.encode(landed, unsent))
                last_checkpoint = time.monotonic()
        for current in plan.stale_parts:
            folder, name = posixpath.split(current)
            transport.delete(posixpath.join(folder, part_name(name)))
            unsent.discard(current)
        for current in plan.delete:
            transport.delete(current)
            del landed[current]
            report.deleted += 1
            progress.step()
        transport.remove_empty_folders(
            {folder for path in plan.delete for folder in folders_of(posixpath.dirname(path))}
        )
        current = manifest.MANIFEST
        transport.write(manifest.MANIFEST, manifest.encode(landed))
    except BaseException as err:
        progress.done()
        _save_what_landed(transport, landed, remote, unsent)
        if not isinstance(err, FAULTS):
            raise
        raise UserError(
            f"publishing to {report.target} stopped at {printable(current)}: {_fault(err)}; "
            f"{report.sent} files were sent, nothing was deleted after the error",
            "run `sitegen publish` again to finish: what landed is not sent again",
        ) from err
    progress.done()


def _save_what_landed(
    transport: Transport, landed: dict[str, str], remote: dict[str, str], sending: set[str]
) -> None:
    if landed == remote and not sending:
        return
    with contextlib.suppress(Exception):  # the target is gone: the next publish sends them again
        transport.write(manifest.MANIFEST, manifest.encode(landed, sending))


def _password(target: Target) -> Callable[[], str]:
    """The password, asked for only when the target needs one, and given only to a
    host confirmed on this PC (publish/trust.py)."""

    def ask() -> str:
        if not trust.is_trusted(target):
            _confirm_host(target)
        if os.environ.get(PASSWORD_VARIABLE):
            return os.environ[PASSWORD_VARIABLE]
        if not sys.stdin.isatty():
            raise UserError(
                f"{target} needs a password",
                f"set the environment variable {PASSWORD_VARIABLE}, or run on a terminal "
                "to type it",
            )
        return getpass.getpass(f"password for {target}: ")

    return ask


def _confirm_host(target: Target) -> None:
    """Ask, on a terminal, before the password first goes to a host; refuse without one."""
    host = trust.host_of(target)
    question = (
        f"sitegen has never sent the publish password to {host} from this PC.\n"
        "Is that your web host? (a site folder from someone else may name their own) [y/N] "
    )
    refusal = UserError(
        f"{host} is not a host this PC has published to: the password was not sent",
        "if it is your web host's address, run once "
        f"`sitegen publish --to {target} --trust-host`, then publish again",
    )
    if not agreed(question, refusal):
        raise UserError(f"{host} was not confirmed: the password was not sent")
    trust.trust(target)


def _confirmed(target: Target) -> bool:
    return agreed(
        f"publish to {target}? [y/N] ",
        UserError(
            f"nothing was changed on {target}: without a terminal to ask on, "
            "publish only with --yes",
            "look at the plan above, then run again with --yes",
        ),
    )


def _refuse_overlap(target: Target, site_dir: Path, out_dir: Path) -> None:
    if target.scheme != "file":
        return
    folder = Path(target.path).resolve()
    for own, what in ((out_dir.resolve(), "the output folder"), (site_dir.resolve(), "the site")):
        if folder == own or folder.is_relative_to(own) or own.is_relative_to(folder):
            raise UserError(
                f"{target.path}: publishing there would write into {what}",
                "publish to a folder outside the site, such as the web server's",
            )


def _close(transport: Transport) -> None:
    with contextlib.suppress(FAULTS):
        transport.close()


def _fault(err: BaseException) -> str:
    return str(err) or type(err).__name__


def _reach_hint(target: Target) -> str | None:
    if target.scheme == "ftps":
        return (
            "check the address and that the server's certificate is valid for it "
            "(--insecure skips that check: only on a network you trust)"
        )
    if target.scheme in ("ftp", "sftp"):
        return "check the address, the user name and the password"
    return None


def _size(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:.1f} KB"
    return f"{count / 1024 / 1024:.1f} MB"
