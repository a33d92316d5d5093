"""The client's address, behind as many trusted proxies as the deployment says."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """Return the address of the client that sent `request`.

    Without proxies (TRUSTED_PROXY_COUNT=0, the default) it is REMOTE_ADDR: a client's own
    X-Forwarded-For is then ignored, since anyone can send one. With N proxies in front, each
    appending the address it received from to X-Forwarded-For, the N-th address from the right is
    the one the outermost proxy saw; addresses left of it are the client's to invent.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # Fewer hops than configured: the request did not come through every proxy.
        return remote
    return forwarded[-count]
