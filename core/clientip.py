"""The client's address, as rate limits and login lockouts count it.

Behind TRUSTED_PROXY_COUNT proxies that each append the address they saw to X-Forwarded-For
(docker-compose's TLS proxy: 1), the client is that many entries from the right; what lies further
left the client wrote itself and is not believed. With no trusted proxy (the default) the header
is ignored and REMOTE_ADDR is the client.
"""

from django.conf import settings


def client_address(request) -> str:
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR", "")
