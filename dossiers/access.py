"""Which drafts and dossiers this browser session may open: those it created or verified.

Anonymous citizens have no account; the session remembers their own drafts and dossiers (and the
ones they proved with the second factor on the lookup page).
"""

from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse

from core.headers import file_response
from dossiers.uploads import EXTENSIONS, PDF

DRAFTS, DOSSIERS = "drafts", "dossiers"
KEEP = 20


def remember(request, key: str, value: str) -> None:
    values = request.session.get(key, [])
    if value not in values:
        request.session[key] = [*values[-(KEEP - 1) :], value]


def remembered(request, key: str) -> list[str]:
    return request.session.get(key, [])


def stored_file_response(file, *, content_type: str, stem: str) -> HttpResponse:
    """Download a stored file as `<stem>.<extension of its checked type>`: the uploader's own
    name (such as "a.pdf.exe") is shown on the pages, never given to the browser. The one way a
    stored file leaves the portal (core.headers.file_response: a redirect to object storage, the
    proxy's internal redirect, or streamed)."""
    extension = EXTENSIONS.get(content_type)
    return file_response(
        file,
        content_type=content_type if extension else "application/octet-stream",
        filename=f"{stem}.{extension or 'bin'}",
    )


def attachment_response(dossier, document_pk: int) -> HttpResponse:
    """Serve one of `dossier`'s attached files (the caller has checked who asks), or 404, as
    `<code>-<n>.<ext>`, n its place among the dossier's documents."""
    documents = list(dossier.documents.all())
    number, document = next(
        ((n, d) for n, d in enumerate(documents, start=1) if d.pk == document_pk), (0, None)
    )
    if document is None or not document.file:  # a paper with no scan has nothing to serve
        raise Http404
    return stored_file_response(
        document.file, content_type=document.content_type, stem=f"{dossier.code}-{number}"
    )


def pdf_file_response(file, *, stem: str) -> HttpResponse:
    """A result or a draft result: PDFs the officers uploaded (checked as such)."""
    return stored_file_response(file, content_type=PDF, stem=stem)


def issued_pdf_response(dossier, field: str, *, issue, stem: str) -> HttpResponse:
    """Serve the confirmation or the receipt (Mẫu 01) kept in `dossier`'s `field` like any
    stored file: from object storage, a redirect, not the PDF's bytes through the worker. The
    first download renders it with `issue` (dossiers.receipts, which stores it once this request
    commits) and answers the bytes in hand."""
    stored = getattr(dossier, field)
    if not stored:
        stored = ContentFile(issue(dossier=dossier))
    return pdf_file_response(stored, stem=stem)
