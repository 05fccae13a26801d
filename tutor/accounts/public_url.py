"""The address students type to reach this server, printed on sheets and shown on course pages.

LABTUTOR_PUBLIC_URL when set (a name on the lab's DNS, a reverse proxy's https address).
Otherwise this server's LAN address with LABTUTOR_PORT: never the address the instructor happened
to use, which is 127.0.0.1 when they sit at the server and means the student's own machine.
"""

import functools
import socket

from django.conf import settings

LOOPBACK_PREFIXES = ("127.", "0.")
# Connecting a UDP socket sends nothing: it only asks the kernel which local address would
# route there. Any address off this machine works; this one is reserved (TEST-NET-1).
ROUTE_PROBE = ("192.0.2.1", 9)


def lan_address() -> str | None:
    """The address other machines on the LAN reach this one at; None if there is none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(ROUTE_PROBE)
            address = str(probe.getsockname()[0])
    except OSError:
        address = ""
    if address and not address.startswith(LOOPBACK_PREFIXES):
        return address
    try:
        candidates = socket.gethostbyname_ex(socket.gethostname())[2]
    except OSError:
        return None
    return next((ip for ip in candidates if not ip.startswith(LOOPBACK_PREFIXES)), None)


@functools.cache
def default_public_url() -> str:
    host = lan_address() or socket.gethostname() or "localhost"
    port = settings.PUBLIC_PORT
    return f"http://{host}/" if port == 80 else f"http://{host}:{port}/"


def public_url() -> str:
    """The site's address, ending in '/'."""
    configured: str = settings.PUBLIC_URL
    if configured:
        return configured if configured.endswith("/") else configured + "/"
    return default_public_url()
