"""Render HTML templates to PDF with WeasyPrint: blank forms, receipts and slips."""

import threading

from django.conf import settings
from django.template.loader import render_to_string

_local = threading.local()


def font_configuration():
    """This thread's WeasyPrint font configuration, made once and kept.

    WeasyPrint makes a new one per document by default: that costs a good part of a receipt's
    render, and its Pango font map is never freed, so a process grew with every receipt
    (WeasyPrint 70; figures in docs/benchmarks.md, intake). Pango's objects are not shared
    between threads.
    """
    if not hasattr(_local, "fonts"):
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
    return _local.fonts


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` with `context` and return the PDF's bytes."""
    # Imported here: WeasyPrint loads Pango at import, which only PDF work needs.
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR / "static")).write_pdf(
        font_config=font_configuration()
    )
