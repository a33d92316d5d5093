"""The result issued online: a QR code and the address of its verification page printed on the
signed PDF's first page, and the fingerprint of the file the citizen gets."""

import hashlib
import io
import secrets

from django.urls import reverse

from core.pdf import render_pdf
from core.siteurl import site_url

# The stamp's box, in PDF points (1 mm = 72 / 25.4 pt), and its distance from the page's
# bottom-right corner: below the signature, where official documents keep a margin.
STAMP_WIDTH, STAMP_HEIGHT = 70 * 72 / 25.4, 22 * 72 / 25.4
STAMP_MARGIN = 8 * 72 / 25.4


def new_token() -> str:
    return secrets.token_urlsafe(16)


def verification_url(token: str) -> str:
    return site_url() + reverse("tracking:verify_result", args=[token])


def fingerprint(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def stamp(pdf: bytes, *, url: str, number: str) -> bytes:
    """Return `pdf` with the verification QR code and address over its first page's bottom-right
    corner; the other pages and the document's own content are untouched."""
    import pikepdf
    import segno

    overlay = render_pdf(
        "dossiers/result_stamp.html",
        {
            "qr": segno.make(url, error="m").svg_data_uri(border=0),
            "url": url,
            "number": number,
        },
    )
    output = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as document, pikepdf.open(io.BytesIO(overlay)) as box:
        page = document.pages[0]
        _left, bottom, right, _top = (float(value) for value in page.mediabox)
        page.add_overlay(
            box.pages[0],
            pikepdf.Rectangle(
                right - STAMP_MARGIN - STAMP_WIDTH,
                bottom + STAMP_MARGIN,
                right - STAMP_MARGIN,
                bottom + STAMP_MARGIN + STAMP_HEIGHT,
            ),
        )
        document.save(output)
    return output.getvalue()
