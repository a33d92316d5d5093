"""Which drafts and dossiers this browser session may open: those it created or verified.

Anonymous citizens have no account; the session remembers their own drafts and dossiers (and the
ones they proved with the second factor on the lookup page).
"""

from django.http import FileResponse, Http404

DRAFTS, DOSSIERS = "drafts", "dossiers"
KEEP = 20


def remember(request, key: str, value: str) -> None:
    values = request.session.get(key, [])
    if value not in values:
        request.session[key] = [*values[-(KEEP - 1) :], value]


def remembered(request, key: str) -> list[str]:
    return request.session.get(key, [])


def attachment_response(dossier, document_pk: int) -> FileResponse:
    """Serve one of `dossier`'s attached files (the caller has checked who asks), or 404."""
    document = next((d for d in dossier.documents.all() if d.pk == document_pk), None)
    if document is None or not document.file:  # a paper with no scan has nothing to serve
        raise Http404
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=document.original_name,
    )
