"""Where `sitegen publish --to TARGET` sends the site: a folder, FTP/FTPS, SFTP or
S3-compatible storage, written as a URL or named in site.yaml (`publish:`).

A target never holds a password: a URL with one is refused with where to put it
instead (SITEGEN_PUBLISH_PASSWORD, or typed when asked). Settings a URL cannot
say go after `?` (`ftp://staff@host/www?encoding=gbk`), or in site.yaml's map form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from sitegen.errors import CONTROL, printable

SCHEMES = ("file", "ftp", "ftps", "sftp", "s3")
DEFAULT_PORTS = {"ftp": 21, "ftps": 21, "sftp": 22}
# What each kind of target may be told besides its URL, and the values allowed.
OPTIONS: dict[str, dict[str, tuple[str, ...] | None]] = {
    "file": {},
    "ftp": {"encoding": None, "mode": ("passive", "active")},
    "ftps": {"encoding": None, "mode": ("passive", "active")},
    "sftp": {},
    "s3": {"endpoint": None, "region": None, "addressing": ("virtual", "path")},
}
PASSWORD_HINT = (
    "leave the password out of the address: sitegen asks for it when it publishes, "
    "or reads it from the environment variable SITEGEN_PUBLISH_PASSWORD"
)


class TargetError(ValueError):
    """A target that cannot be used as written; `hint` says what would do."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Target:
    scheme: str  # one of SCHEMES
    path: str  # the folder on the target ("/www/site"); for s3, the key prefix
    host: str = ""  # for s3, the bucket
    port: int | None = None
    user: str = ""
    options: dict[str, str] = field(default_factory=dict)
    name: str | None = None  # its name in site.yaml, if it has one

    def __str__(self) -> str:
        """The target as it is shown: never with a password (it never has one)."""
        if self.scheme == "file":
            return self.path
        who = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port and self.port != DEFAULT_PORTS.get(self.scheme) else ""
        return f"{self.scheme}://{who}{self.host}{port}{self.path}"


def parse_target(text: str, options: dict[str, str] | None = None) -> Target:
    """A target from its URL (or folder path) and any settings given beside it."""
    text = text.strip()
    if not text:
        raise TargetError(
            "the target is empty", "give a folder, or an ftp://, sftp:// or s3:// address"
        )
    if "://" not in text:
        return Target("file", str(Path(text).expanduser()))
    if CONTROL.search(text) or " " in text.split("?", 1)[0]:
        raise TargetError(
            "the address holds a space or a control character",
            "copy the address again, without spaces or line breaks",
        )
    unreadable = (
        "write it as ftp://user@host/folder (a port, if any, as a number after `:`; "
        "an IPv6 address in [ ])"
    )
    try:
        parts = urlsplit(text)
    except ValueError as err:
        raise TargetError(
            f"`{shown(text)}` is not an address sitegen can read ({err})", unreadable
        ) from err
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise TargetError(
            f"`{parts.scheme}://` is not a kind of target sitegen can publish to",
            "use a folder, file://, ftp://, ftps://, sftp:// or s3://",
        )
    if parts.password is not None:
        raise TargetError(
            "the address holds a password (after the user name and `:`)", PASSWORD_HINT
        )
    try:
        port = parts.port
    except ValueError as err:
        raise TargetError(
            f"`{shown(text)}`: the port is not a number from 1 to 65535", unreadable
        ) from err
    settings = dict(parse_qsl(parts.query, keep_blank_values=True))
    settings.update(options or {})
    _check_options(scheme, settings)
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            raise TargetError(
                f"file:// addresses name a folder on this computer, not {parts.netloc}"
            )
        return Target("file", unquote(parts.path), options=settings)
    if not parts.hostname:
        raise TargetError(
            f"{text}: no host (or bucket) in the address", f"write it as {scheme}://…"
        )
    path = unquote(parts.path) or "/"
    if scheme == "s3":
        path = path.strip("/")
    return Target(
        scheme,
        path,
        host=parts.hostname,
        port=port or DEFAULT_PORTS.get(scheme),
        user=unquote(parts.username or ""),
        options=settings,
    )


def _check_options(scheme: str, settings: dict[str, str]) -> None:
    allowed = OPTIONS[scheme]
    for key, value in settings.items():
        if key not in allowed:
            known = ", ".join(f"`{k}`" for k in allowed) or "none"
            raise TargetError(
                f"`{key}` is not a setting of a {scheme}:// target", f"its settings: {known}"
            )
        choices = allowed[key]
        if choices is not None and value not in choices:
            raise TargetError(f"`{key}: {value}` is not one of {', '.join(choices)}")
        if key == "endpoint":
            _check_endpoint(value)
        if key == "encoding":
            import codecs

            try:
                codecs.lookup(value)
            except LookupError as err:
                raise TargetError(
                    f"`encoding: {value}` is not an encoding Python knows",
                    "for a Chinese Windows server write `encoding: gbk`",
                ) from err


def _check_endpoint(value: str) -> None:
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (checked only when asked for)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise TargetError(
            f"`endpoint: {value}` is not the address of a storage service",
            "write it in full, for example https://oss-cn-hangzhou.aliyuncs.com",
        )


def shown(text: str) -> str:
    """A target as given, safe to show: any password in it left out, control
    characters escaped. Reads even what urlsplit cannot."""
    scheme, found, rest = text.partition("://")
    if found:
        place, slash, path = rest.partition("/")
        who, at, host = place.rpartition("@")  # as urlsplit reads it: the last @
        if at and ":" in who:
            text = f"{scheme}://{who.split(':', 1)[0]}@{host}{slash}{path}"
    return printable(text)
