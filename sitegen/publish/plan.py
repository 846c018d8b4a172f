"""What a publish will do: the files to send, in a safe order, and those to delete.

Order: what pages refer to (styles, images, PDFs) first, then the notices' own
pages, then the lists that link to them, then feeds and the sitemap, and the
home page last. A visitor during the upload meets no link to a page that is not
there yet. Deletions come after every file is sent; the manifest after that.
"""

from __future__ import annotations

from dataclasses import dataclass

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

    @property
    def changes(self) -> bool:
        return bool(self.send or self.delete)


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


def make_plan(local: dict[str, tuple[str, int]], remote: dict[str, str]) -> Plan:
    """`local`: path -> (SHA-256, size) of the output; `remote`: the target's manifest."""
    send = [path for path, (digest, _) in local.items() if remote.get(path) != digest]
    send.sort(key=lambda path: (send_rank(path), path))
    delete = sorted(path for path in remote if path not in local)
    return Plan(
        send=send,
        delete=delete,
        unchanged=len(local) - len(send),
        send_bytes=sum(local[path][1] for path in send),
    )


def deletion_limit(published: int) -> int:
    """The default of --max-deletes: a quarter of what is published, and at least 20
    (removing a few expired notices from a small site is not a mistake; emptying
    a large one by publishing the wrong folder is)."""
    return max(20, published // 4)
