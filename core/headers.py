"""Response headers for personal data and for files people uploaded.

The site-wide Content-Security-Policy and Permissions-Policy come from their middleware
(settings: CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY); this module holds what a view adds:
`no_store` on anything that carries personal data, and `file_response` for a file a citizen or an
officer uploaded, which a browser must never run or show inside the portal's origin.
"""

from functools import wraps

from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from core.storage import internal_redirect, signed_url

# A file served from the portal's origin, if a browser rendered it (an HTML page disguised as a
# PDF), could run script as the portal: the sandbox gives it an opaque origin and no script.
FILE_POLICY = "sandbox; default-src 'none'"


def private(response):
    """Mark `response` as personal: kept by no cache, shared or the browser's own."""
    patch_cache_control(response, no_store=True, private=True)
    return response


def no_store(view):
    """Decorate a view whose every answer carries personal data."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return private(view(request, *args, **kwargs))

    return wrapper


def file_response(file, *, content_type: str, filename: str) -> HttpResponse:
    """A download of a stored file (a FieldFile; or a File of bytes in hand, streamed) under a
    name the portal made (never the one the uploader gave, such as "a.pdf.exe"), sandboxed, not
    sniffed, not cached.

    The caller has checked who asks; what is left is moving bytes, which a sync worker should not
    do. In object storage: a redirect to a signed URL valid a minute, whose answer the bucket gives
    as an attachment under the same name and type, kept by no cache. On the local disk behind a
    proxy with an internal location (FILES_INTERNAL_REDIRECT): X-Accel-Redirect, the proxy sends
    the file. Otherwise the worker streams it.
    """
    content_type = content_type or "application/octet-stream"
    if url := signed_url(file, filename=filename, content_type=content_type):
        response = HttpResponseRedirect(url)
    elif path := internal_redirect(file):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = path
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=True, content_type=content_type, filename=filename
        )
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)
