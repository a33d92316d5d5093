"""Read what a PDF says, as a person reading it would."""

import io

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdf_layout_text(data: bytes) -> str:
    """The text as poppler's pdftotext lays it out: words in reading order within a line, where
    pypdf may list a line's runs out of order (a centred name in a float, say)."""
    import subprocess

    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")
