"""Response headers for personal data and for files people uploaded.

The site-wide Content-Security-Policy and Permissions-Policy come from their middleware
(settings: CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY); this module holds what a view adds:
`no_store` on anything that carries personal data, and `file_response` for a file a citizen or an
officer uploaded, which a browser must never run or show inside the portal's origin.
"""

from functools import wraps

from django.http import FileResponse
from django.utils.cache import patch_cache_control

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


def file_response(file, *, content_type: str, filename: str) -> FileResponse:
    """A download of a stored file under a name the portal made (never the one the uploader
    gave, such as "a.pdf.exe"), sandboxed, not sniffed, not cached."""
    response = FileResponse(
        file, as_attachment=True, content_type=content_type or None, filename=filename
    )
    response["Content-Security-Policy"] = FILE_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    return private(response)
