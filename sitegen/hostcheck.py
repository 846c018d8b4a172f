"""Which Host a local server answers to: the one check every local server sitegen runs
(the preview, `sitegen serve`) makes.

A web page on any site can make the browser send requests to 127.0.0.1, and with
DNS rebinding (evil.example first resolving to its own server, then to 127.0.0.1)
read the answers as its own: the drafts of a preview. The request then still
names evil.example in its Host header. So a local server answers only requests
addressed to it by a name that means this machine, at its own port: 127.0.0.1,
localhost or [::1]; and when it listens on the network (--host 0.0.0.0), also
this machine's interface addresses and its host name.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import cache

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


class HostCheck:
    def __init__(self, bound: str, port: int) -> None:
        """`bound`: the address the server listens on; `port`: the port it got."""
        self.port = port
        self.network = not is_loopback(bound)

    def allows(self, header: str | None) -> bool:
        """Whether a request with this Host header is addressed to this server."""
        if not header:
            return False
        host, port = split_host(header.strip())
        if host is None or port != self.port:
            return False
        host = host.lower()
        if host in LOOPBACK_NAMES:
            return True
        if not self.network:
            return False
        return host in own_names() or is_own_address(host)


def split_host(header: str) -> tuple[str | None, int | None]:
    """`name:port`, `[v6]:port` or `name` (port 80, which browsers leave out) ->
    (name, port); (None, None) when it is none of those."""
    if header.startswith("["):
        host, closed, rest = header[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")):
            return None, None
        port_text = rest[1:] if rest else "80"
    elif ":" in header:
        host, _, port_text = header.rpartition(":")
        if ":" in host:
            return None, None
    else:
        host, port_text = header, "80"
    if not port_text.isdigit() or not host:
        return None, None
    return host, int(port_text)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@cache
def own_names() -> frozenset[str]:
    """This machine's host name, short and in full (as a colleague types it)."""
    names = {socket.gethostname(), socket.getfqdn()}
    return frozenset(name.lower() for name in names if name)


@cache
def is_own_address(host: str) -> bool:
    """Whether `host` is an IP address of one of this machine's interfaces: the
    system lets a socket bind only to its own addresses."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if address.is_unspecified or address.is_multicast:
        return False
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((str(address), 0))
    except OSError:
        return False
    return True
