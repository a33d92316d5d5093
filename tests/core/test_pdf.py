"""core.pdf: WeasyPrint's font configuration is made once per thread and kept."""

import threading

from core.pdf import font_configuration
from dossiers.receipts import warm_up
from tests.pdf import pdf_text


def test_renders_in_a_thread_share_its_font_configuration():
    first = pdf_text(warm_up())
    fonts = font_configuration()
    assert pdf_text(warm_up()) == first  # the second document reads the same with it
    assert font_configuration() is fonts

    elsewhere = {}

    def render():
        elsewhere["text"], elsewhere["fonts"] = pdf_text(warm_up()), font_configuration()

    thread = threading.Thread(target=render)
    thread.start()
    thread.join()
    assert elsewhere["text"] == first
    assert elsewhere["fonts"] is not fonts  # Pango's objects stay in their thread
