"""What a published file may be called: the rule every output path obeys.

sitegen writes only names that every host it publishes to can hold: a Windows PC
or IIS host (no `: * ? " < > | \\`, no device names such as `con`, no name ending
in a dot or a space), an FTP server (no line breaks, which would end a command),
and a folder copied anywhere (NFC, so one name is never two). No segment is empty,
`.` or `..`, or starts with a dot: those are the host's own files (`.htaccess`).

The same rule is the check on everything a target tells publish: a manifest on
the server lists paths, and a path that breaks it is not one sitegen wrote.
"""

from __future__ import annotations

import re
import unicodedata

from sitegen.content.slugs import NOT_ON_WINDOWS, is_reserved_name
from sitegen.errors import CONTROL

MAX_SEGMENT_BYTES = 255  # what ext4, NTFS and most FTP servers hold in one name
MAX_PATH_CHARS = 1024


def path_problem(path: str) -> str | None:
    """Why `path` (posix, relative to the output folder) is not a name sitegen would
    publish a file under, or None when it is one."""
    if not path:
        return "it is empty"
    if CONTROL.search(path):
        return "it holds a control character (a line break, a tab or the like)"
    if path.startswith("/") or re.match(r"[A-Za-z]:", path):
        return "it is an absolute path"
    if len(path) > MAX_PATH_CHARS:
        return f"it is longer than {MAX_PATH_CHARS} characters"
    if not unicodedata.is_normalized("NFC", path):
        return "it is not in Unicode's composed form (NFC)"
    for segment in path.split("/"):
        problem = segment_problem(segment)
        if problem:
            return problem
    return None


def segment_problem(segment: str) -> str | None:
    """Why one name in a path is not one sitegen would write, or None."""
    if segment in ("", ".", ".."):
        return "it has an empty, `.` or `..` part"
    if segment.startswith("."):
        return "a part of it starts with a dot (a hidden file, such as the host's .htaccess)"
    if NOT_ON_WINDOWS.search(segment):
        return 'it holds one of : * ? " < > | \\, which Windows and IIS hosts refuse'
    if is_reserved_name(segment):
        return "a part of it is a name Windows keeps for devices (con, aux, nul, com1, …)"
    if segment.endswith((".", " ")):
        return "a part of it ends in a dot or a space, which Windows drops"
    if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
        return f"a part of it is longer than {MAX_SEGMENT_BYTES} bytes"
    return None
