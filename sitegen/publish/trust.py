"""The hosts this PC has agreed to send the publish password to.

A site folder is passed from hand to hand (a USB stick, a colleague's copy, a
theme pack), and its site.yaml names where it publishes. The password comes from
this PC (SITEGEN_PUBLISH_PASSWORD, or typed), so it goes only to a host the user
of this PC confirmed once: asked on a terminal, or recorded with `sitegen publish
--to TARGET --trust-host`. The list lives in the user's own settings folder,
never in the site, so no copy of a site can add to it.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from sitegen.publish.targets import Target

TRUSTED_FILE = "trusted-hosts.json"


def settings_folder() -> Path:
    """The user's own settings folder for sitegen: %APPDATA%\\sitegen on Windows,
    ~/.config/sitegen (or $XDG_CONFIG_HOME/sitegen) on Linux."""
    import platformdirs

    return platformdirs.user_config_path("sitegen", appauthor=False, roaming=True)


def host_of(target: Target) -> str:
    """What the password is given to: the kind, the account and the server (the folder
    on it does not matter). For S3, the storage endpoint and the bucket."""
    if target.scheme == "s3":
        endpoint = target.options.get("endpoint", "aws")
        return f"s3://{target.user}@{target.host}?endpoint={endpoint}"
    return f"{target.scheme}://{target.user}@{target.host}:{target.port or ''}"


def is_trusted(target: Target) -> bool:
    return host_of(target) in _trusted()


def trust(target: Target) -> Path:
    """Record `target`'s host as one the password may go to; the file it is kept in."""
    hosts = _trusted() | {host_of(target)}
    path = settings_folder() / TRUSTED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(
            json.dumps({"hosts": sorted(hosts)}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _trusted() -> frozenset[str]:
    path = settings_folder() / TRUSTED_FILE
    with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
        hosts = json.loads(path.read_text("utf-8")).get("hosts", [])
        return frozenset(host for host in hosts if isinstance(host, str))
    return frozenset()
