"""Drive the intake wizard with Django's test client, as a browser would."""

import io
import re

from captcha.models import CaptchaStore
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def pdf_bytes(padding: int = 0) -> bytes:
    """A valid one-page PDF (uploads are read with pikepdf), `padding` bytes bigger."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    if padding:
        pdf.Root.Padding = pdf.make_stream(b"0" * padding)
    buffer = io.BytesIO()
    pdf.save(buffer, compress_streams=False, static_id=True)
    return buffer.getvalue()


PDF_BYTES = pdf_bytes()


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_upload(name="giay-chung-sinh.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def captcha_answer(html: str) -> dict:
    """Read the captcha the page shows, the way a person reads the image."""
    hashkey = re.search(r'name="captcha_0" value="([0-9a-f]+)"', html).group(1)
    return {"captcha_0": hashkey, "captcha_1": CaptchaStore.objects.get(hashkey=hashkey).response}


KHAI_SINH = {"ho_ten": "Nguyễn Văn An", "gioi_tinh": "Nữ", "ngay_sinh": "2026-11-20"}
CONTACT = {
    "ho_ten": "Nguyễn Văn An",
    "email": "an.nguyen@example.vn",
    "dien_thoai": "0912 345 678",
    "dia_chi": "Số 5 ngõ 12 phố Ngọc Lâm, Phường Long Biên, Hà Nội",
    "nhan_ket_qua": "in_person",
}


def start(client, code):
    response = client.post(f"/thu-tuc/{code}/nop-ho-so/")
    assert response.status_code == 302, response
    return response["Location"]


def step_url(location: str, step: str) -> str:
    return re.sub(r"/[a-z-]+/$", f"/{step}/", location)


def fill_until_review(client, catalogue, *, agency="000.01.00.H26"):
    """Go through every step of the khai sinh wizard; return the review URL."""
    location = start(client, "1.001193")
    assert location.endswith("/co-quan/")
    response = client.post(location, {"co_quan": agency, "tiep_tuc": "1"})
    declaration = response["Location"]
    response = client.post(declaration, {**KHAI_SINH, "tiep_tuc": "1"})
    attachments = response["Location"]
    documents = list(catalogue["khai_sinh"].documents.all())
    response = client.post(
        attachments,
        {
            f"tep_{documents[0].pk}": [pdf_upload("to-khai.pdf")],
            f"tep_{documents[1].pk}": [pdf_upload(), SimpleUploadedFile("anh.png", png_bytes())],
            "tiep_tuc": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()
    response = client.post(response["Location"], {**CONTACT, "tiep_tuc": "1"})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def submit(client, review_url):
    page = client.get(review_url).content.decode()
    return client.post(review_url, captcha_answer(page))
