"""What a publish will do: the files to send, in a safe order, and those to delete.

Order: what pages refer to (styles, images, PDFs) first, then the notices' own
pages, then the lists that link to them, then feeds and the sitemap, and the
home page last. A visitor during the upload meets no link to a page that is not
there yet. Deletions come after every file is sent; the manifest after that.
"""

from __future__ import annotations

from dataclasses import dataclass

from sitegen.publish.manifest import Manifest

LIST_FOLDERS = (
    "archive/",
    "categories/",
    "tags/",
    "communities/",
    "campaigns/",
    "page/",
    "disclosure/",
)


@dataclass(frozen=True)
class Plan:
    send: list[str]  # in the order they go up
    delete: list[str]
    unchanged: int
    send_bytes: int
    # Files a stopped publish was sending that this one does not send again: their
    # part files, if left on the server, are removed.
    stale_parts: list[str]

    @property
    def changes(self) -> bool:
        return bool(self.send or self.delete or self.stale_parts)


def send_rank(path: str) -> int:
    """When a file goes up: 0 what pages use, 1 pages, 2 lists, 3 feeds and the sitemap,
    4 the home page."""
    if path == "index.html":
        return 4
    if path.endswith((".xml", ".txt")):
        return 3
    if not path.endswith(".html"):
        return 0
    if path.startswith(LIST_FOLDERS) or path == "404.html":
        return 2
    return 1


def make_plan(local: dict[str, tuple[str, int]], remote: Manifest) -> Plan:
    """`local`: path -> (SHA-256, size) of the output; `remote`: the target's manifest."""
    files = remote.files
    send = [path for path, (digest, _) in local.items() if files.get(path) != digest]
    send.sort(key=lambda path: (send_rank(path), path))
    delete = sorted(path for path in files if path not in local)
    return Plan(
        send=send,
        delete=delete,
        unchanged=len(local) - len(send),
        send_bytes=sum(local[path][1] for path in send),
        stale_parts=sorted(remote.sending - set(send)),
    )


def deletion_limit(built: int) -> int:
    """The default of --max-deletes: a quarter of what this build made, and at least 20
    (removing a few expired notices from a small site is not a mistake; emptying
    a large one by publishing the wrong folder is). Counted against the build, not
    the target's manifest, which anyone who can write to the host can enlarge."""
    return max(20, built // 4)
